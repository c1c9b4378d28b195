import type { SecureContextOptions } from 'node:tls';
import { checkServerIdentity } from 'node:tls';
import type { ChannelCredentials } from '@grpc/grpc-js';
import { credentials, experimental, ServerCredentials } from '@grpc/grpc-js';
import type { PemMaterial } from './pem-files.js';
import { PemFiles } from './pem-files.js';
import type { ClientTlsFiles, PemFilePaths, TlsConfig } from './tls-config.js';
import { TLS_VARIABLES } from './tls-config.js';

/** Options of a `node:https` server: the secure context plus whether client certificates are required. */
export interface HttpsServerOptions extends SecureContextOptions {
  readonly requestCert: boolean;
  readonly rejectUnauthorized: boolean;
}

/** How a TLS side is doing, for status (never the material itself). */
export interface TlsSideStatus {
  readonly files: PemFilePaths;
  readonly reloads: number;
  readonly reloadFailures: number;
}

const SERVER_VARIABLES = {
  certFile: TLS_VARIABLES.certFile,
  keyFile: TLS_VARIABLES.keyFile,
  caFile: TLS_VARIABLES.clientCaFile,
};

const CLIENT_VARIABLES = {
  certFile: TLS_VARIABLES.clientCertFile,
  keyFile: TLS_VARIABLES.clientKeyFile,
  caFile: TLS_VARIABLES.caFile,
};

function contextOf(material: PemMaterial): SecureContextOptions {
  return {
    ...(material.cert && { cert: material.cert }),
    ...(material.key && { key: material.key }),
    ...(material.ca && { ca: material.ca }),
  };
}

/**
 * The one place this process's TLS credentials come from: gRPC server credentials, gRPC
 * channel credentials, and the HTTPS options of the REST bridge, all over the same
 * {@link PemFiles}, so a reload (SIGHUP, or a changed file) reaches every server and every
 * new connection. Without files each side is plaintext.
 */
export class TlsCredentials {
  /** This process's server identity and, for mTLS, the CA of the clients it admits. */
  readonly server: PemFiles | undefined;
  /** The CA this process trusts its peers by, and its client identity. */
  readonly client: PemFiles | undefined;
  private serverCredentialsMade: ServerCredentials | undefined;
  private channelCredentialsMade: ChannelCredentials | undefined;

  /** Reads every file now; a missing or broken one is a ConfigError naming its setting. */
  constructor(private readonly config: Omit<TlsConfig, 'reloadIntervalMs'>) {
    this.server = config.server && new PemFiles(config.server, SERVER_VARIABLES);
    this.client = config.client && new PemFiles(config.client, CLIENT_VARIABLES);
  }

  /** Whether this process's servers speak TLS. */
  get serving(): boolean {
    return this.server !== undefined;
  }

  /** Whether clients must present a certificate from the client CA (mTLS). */
  get requiresClientCertificate(): boolean {
    return this.server?.paths.caFile !== undefined;
  }

  /** Credentials of every gRPC server of this process (the same object each time). */
  serverCredentials(): ServerCredentials {
    if (!this.server) return ServerCredentials.createInsecure();
    const mutual = this.requiresClientCertificate;
    // grpc-js 1.14's declaration names its first two parameters (ca, identity), but the
    // implementation takes the first as the identity and the second as the CA (null: no
    // client certificates asked for).
    this.serverCredentialsMade ??= experimental.createCertificateProviderServerCredentials(
      this.server,
      mutual ? this.server : null,
      mutual,
    );
    return this.serverCredentialsMade;
  }

  /** Credentials of every gRPC channel this process opens (the same object each time). */
  channelCredentials(): ChannelCredentials {
    if (!this.client) return credentials.createInsecure();
    const identity = this.client.paths.certFile === undefined ? null : this.client;
    const serverName = this.config.serverName;
    this.channelCredentialsMade ??= experimental.createCertificateProviderChannelCredentials(
      this.client,
      identity,
      serverName === undefined
        ? {}
        : { checkServerIdentity: (_host, cert) => checkServerIdentity(serverName, cert) },
    );
    return this.channelCredentialsMade;
  }

  /** Options for `https.createServer`, or undefined when serving plaintext. */
  httpsServerOptions(): HttpsServerOptions | undefined {
    if (!this.server) return undefined;
    const mutual = this.requiresClientCertificate;
    return { ...contextOf(this.server.current), requestCert: mutual, rejectUnauthorized: mutual };
  }

  /** Calls `listener` with the new server secure context after each server-side reload. */
  onServerReload(listener: (options: SecureContextOptions) => void): () => void {
    return this.server?.onChange(material => listener(contextOf(material))) ?? (() => {});
  }

  /** Reads every file again (SIGHUP); returns the failures (those sides keep their material). */
  reload(): Error[] {
    return [this.server?.reload(), this.client?.reload()].filter(error => error !== undefined);
  }

  /** Polls the files for changes every `intervalMs` (0: never). */
  watch(intervalMs: number, onFailure: (error: Error) => void): void {
    this.server?.watch(intervalMs, onFailure);
    this.client?.watch(intervalMs, onFailure);
  }

  /** What status shows: which files, how many reloads; never a key. */
  status(): { server?: TlsSideStatus; client?: TlsSideStatus } {
    const side = (files: PemFiles): TlsSideStatus => ({
      files: files.paths,
      reloads: files.reloads,
      reloadFailures: files.reloadFailures,
    });
    return {
      ...(this.server && { server: side(this.server) }),
      ...(this.client && { client: side(this.client) }),
    };
  }

  close(): void {
    this.server?.close();
    this.client?.close();
  }
}

/**
 * Channel credentials of a gateway client (the CLI, the client library, tests): TLS trusting
 * `caFile`, with a client certificate when given; plaintext without options.
 */
export function clientChannelCredentials(options: ClientTlsFiles | undefined): ChannelCredentials {
  if (options === undefined) return credentials.createInsecure();
  const { caFile, certFile, keyFile, serverName } = options;
  if ((certFile === undefined) !== (keyFile === undefined)) {
    throw new TypeError('TLS: a client certificate needs its key, and a key its certificate');
  }
  return new TlsCredentials({
    client: { caFile, ...(certFile && keyFile && { certFile, keyFile }) },
    ...(serverName && { serverName }),
  }).channelCredentials();
}
