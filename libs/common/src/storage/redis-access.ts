/**
 * How the services log in to Redis and check its certificate, beyond what a TABA_REDIS_SHARDS
 * URL says: an ACL user and a password read from a file (a mounted Kubernetes Secret, so that
 * no password sits in a URL or a ConfigMap), the same for the Sentinels, and the CA (and
 * client certificate) of `rediss://`, `rediss+sentinel://` and `rediss+cluster://` targets.
 * Files are read once, at start-up; a changed password needs a restart.
 */
import { readFileSync } from 'node:fs';
import type { ConnectionOptions } from 'node:tls';
import { checkServerIdentity } from 'node:tls';
import type { Env } from '../config/env-readers.js';
import { ConfigError, readOptionalString } from '../config/env-readers.js';

export interface RedisAccess {
  /** ACL user of the data nodes (TABA_REDIS_USERNAME), unless the URL names one. */
  readonly username?: string;
  /** Password of the data nodes (TABA_REDIS_PASSWORD_FILE), unless the URL has one. */
  readonly password?: string;
  /** ACL user of the Sentinels (TABA_REDIS_SENTINEL_USERNAME). */
  readonly sentinelUsername?: string;
  /** Password of the Sentinels (TABA_REDIS_SENTINEL_PASSWORD_FILE). */
  readonly sentinelPassword?: string;
  /**
   * TLS options of every TLS target: the CA (TABA_REDIS_TLS_CA_FILE), a client certificate
   * (TABA_REDIS_TLS_CERT_FILE + TABA_REDIS_TLS_KEY_FILE, for `tls-auth-clients yes`), and the
   * name certificates are checked against (TABA_REDIS_TLS_SERVER_NAME). @default the system's CAs
   */
  readonly tls: ConnectionOptions;
}

export const REDIS_ACCESS_VARIABLES = {
  username: 'TABA_REDIS_USERNAME',
  passwordFile: 'TABA_REDIS_PASSWORD_FILE',
  sentinelUsername: 'TABA_REDIS_SENTINEL_USERNAME',
  sentinelPasswordFile: 'TABA_REDIS_SENTINEL_PASSWORD_FILE',
  caFile: 'TABA_REDIS_TLS_CA_FILE',
  certFile: 'TABA_REDIS_TLS_CERT_FILE',
  keyFile: 'TABA_REDIS_TLS_KEY_FILE',
  serverName: 'TABA_REDIS_TLS_SERVER_NAME',
} as const;

function readFileOf(env: Env, variable: string): Buffer | undefined {
  const path = readOptionalString(env, variable);
  if (path === undefined) return undefined;
  try {
    return readFileSync(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? String(error);
    throw new ConfigError(variable, `cannot read "${path}": ${code}`);
  }
}

/** A password file's content without the line end editors and `echo` add; empty is an error. */
function readPasswordFile(env: Env, variable: string): string | undefined {
  const content = readFileOf(env, variable)
    ?.toString('utf8')
    .replace(/\r?\n$/, '');
  if (content === '') throw new ConfigError(variable, 'names an empty file');
  return content;
}

function tlsOptions(env: Env): ConnectionOptions {
  const v = REDIS_ACCESS_VARIABLES;
  const ca = readFileOf(env, v.caFile);
  const cert = readFileOf(env, v.certFile);
  const key = readFileOf(env, v.keyFile);
  if ((cert === undefined) !== (key === undefined)) {
    throw new ConfigError(
      cert ? v.keyFile : v.certFile,
      `must be set with ${cert ? v.certFile : v.keyFile}`,
    );
  }
  const serverName = readOptionalString(env, v.serverName);
  return {
    ...(ca && { ca }),
    ...(cert && key && { cert, key }),
    ...(serverName && {
      servername: serverName,
      checkServerIdentity: (_host: string, peer) => checkServerIdentity(serverName, peer),
    }),
  };
}

export function loadRedisAccess(env: Env): RedisAccess {
  const v = REDIS_ACCESS_VARIABLES;
  const username = readOptionalString(env, v.username);
  const password = readPasswordFile(env, v.passwordFile);
  const sentinelUsername = readOptionalString(env, v.sentinelUsername);
  const sentinelPassword = readPasswordFile(env, v.sentinelPasswordFile);
  return {
    ...(username && { username }),
    ...(password !== undefined && { password }),
    ...(sentinelUsername && { sentinelUsername }),
    ...(sentinelPassword !== undefined && { sentinelPassword }),
    tls: tlsOptions(env),
  };
}

/** No credentials, the system's CAs. */
export const NO_REDIS_ACCESS: RedisAccess = { tls: {} };
