import type { Env } from '../config/env-readers.js';
import { ConfigError, readInteger, readOptionalString } from '../config/env-readers.js';

/** PEM files of one side of a TLS connection; every path is read at start and on reload. */
export interface PemFilePaths {
  /** Certificate chain presented to the peer. */
  readonly certFile?: string;
  /** Private key of `certFile`. */
  readonly keyFile?: string;
  /** CA bundle the peer's certificate must chain to. */
  readonly caFile?: string;
}

/** How this process serves and dials TLS (both sides off by default: plaintext, loopback). */
export interface TlsConfig {
  /**
   * What this process's servers present: TABA_TLS_CERT_FILE + TABA_TLS_KEY_FILE, and with
   * TABA_TLS_CLIENT_CA_FILE the CA every client must present a certificate from (mTLS).
   * Unset: servers are plaintext.
   */
  readonly server?: PemFilePaths & { readonly certFile: string; readonly keyFile: string };
  /**
   * How this process dials its peers: TABA_TLS_CA_FILE (the CA servers' certificates chain
   * to), and TABA_TLS_CLIENT_CERT_FILE + TABA_TLS_CLIENT_KEY_FILE when servers require a
   * client certificate. Unset: channels are plaintext.
   */
  readonly client?: PemFilePaths & { readonly caFile: string };
  /**
   * The name peers' certificates are checked against instead of the host dialled
   * (TABA_TLS_SERVER_NAME): discovery hands out pod IPs, a certificate names a service.
   */
  readonly serverName?: string;
  /** How often the files are checked for a change, ms; 0: only on SIGHUP (TABA_TLS_RELOAD_INTERVAL_MS). @default 10000 */
  readonly reloadIntervalMs: number;
}

export const TLS_VARIABLES = {
  certFile: 'TABA_TLS_CERT_FILE',
  keyFile: 'TABA_TLS_KEY_FILE',
  clientCaFile: 'TABA_TLS_CLIENT_CA_FILE',
  caFile: 'TABA_TLS_CA_FILE',
  clientCertFile: 'TABA_TLS_CLIENT_CERT_FILE',
  clientKeyFile: 'TABA_TLS_CLIENT_KEY_FILE',
  serverName: 'TABA_TLS_SERVER_NAME',
  reloadIntervalMs: 'TABA_TLS_RELOAD_INTERVAL_MS',
} as const;

/** A certificate and its key come together or not at all. */
function readPair(
  env: Env,
  certVariable: string,
  keyVariable: string,
): { certFile: string; keyFile: string } | undefined {
  const certFile = readOptionalString(env, certVariable);
  const keyFile = readOptionalString(env, keyVariable);
  if (certFile === undefined && keyFile === undefined) return undefined;
  if (certFile === undefined)
    throw new ConfigError(certVariable, `must be set with ${keyVariable}`);
  if (keyFile === undefined) throw new ConfigError(keyVariable, `must be set with ${certVariable}`);
  return { certFile, keyFile };
}

export function loadTlsConfig(env: Env): TlsConfig {
  const v = TLS_VARIABLES;
  const serverPair = readPair(env, v.certFile, v.keyFile);
  const clientCaFile = readOptionalString(env, v.clientCaFile);
  if (clientCaFile !== undefined && serverPair === undefined) {
    throw new ConfigError(
      v.clientCaFile,
      `needs ${v.certFile} and ${v.keyFile}: mTLS is TLS first`,
    );
  }
  const caFile = readOptionalString(env, v.caFile);
  const clientPair = readPair(env, v.clientCertFile, v.clientKeyFile);
  if (clientPair !== undefined && caFile === undefined) {
    throw new ConfigError(
      v.clientCertFile,
      `needs ${v.caFile}: a client certificate is only sent over TLS`,
    );
  }
  const serverName = readOptionalString(env, v.serverName);
  return Object.freeze({
    ...(serverPair === undefined
      ? {}
      : {
          server: {
            ...serverPair,
            ...(clientCaFile === undefined ? {} : { caFile: clientCaFile }),
          },
        }),
    ...(caFile === undefined ? {} : { client: { caFile, ...clientPair } }),
    ...(serverName === undefined ? {} : { serverName }),
    reloadIntervalMs: readInteger(env, v.reloadIntervalMs, 10_000, { min: 0, max: 86_400_000 }),
  });
}

/**
 * The TLS options of a gateway client from the environment (TABA_TLS_CA_FILE,
 * TABA_TLS_CLIENT_CERT_FILE, TABA_TLS_CLIENT_KEY_FILE, TABA_TLS_SERVER_NAME); undefined without
 * a CA file (plaintext).
 */
export function loadClientTlsOptions(env: Env): ClientTlsFiles | undefined {
  const client = loadTlsConfig(env).client;
  if (!client) return undefined;
  const serverName = readOptionalString(env, TLS_VARIABLES.serverName);
  return { ...client, ...(serverName && { serverName }) };
}

/** What a client of the gateway (the CLI, the client library) needs to dial TLS. */
export interface ClientTlsFiles {
  /** CA bundle the gateway's certificate chains to (TABA_TLS_CA_FILE). */
  readonly caFile: string;
  /** Client certificate, when the gateway requires one (TABA_TLS_CLIENT_CERT_FILE). */
  readonly certFile?: string;
  /** Its key (TABA_TLS_CLIENT_KEY_FILE). */
  readonly keyFile?: string;
  /** Name the gateway's certificate is checked against instead of the host dialled (TABA_TLS_SERVER_NAME). */
  readonly serverName?: string;
}
