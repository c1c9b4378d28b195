import type { RedisOptions } from 'ioredis';
import { Redis } from 'ioredis';
import { LOOPBACK } from './free-port.js';

/** Bound on a connect and on each command, ms: loopback answers far sooner. */
const TIMEOUT_MS = 1000;

/** How the harness logs in to a server that wants a password or TLS. @default plaintext, no password */
export type ProbeAccess = Pick<RedisOptions, 'username' | 'password' | 'tls'>;

/**
 * A client that fails at once instead of reconnecting or queueing, so that a server that is
 * down (or not up yet) shows as an error rather than a wait. Not connected yet: call connect().
 */
export function nonRetryingClient(url: string, access: ProbeAccess = {}): Redis {
  const client = new Redis(url, {
    ...access,
    lazyConnect: true,
    connectTimeout: TIMEOUT_MS,
    commandTimeout: TIMEOUT_MS,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  // Connection errors also reject connect(); this keeps them from being reported as unhandled.
  client.on('error', () => {});
  return client;
}

/** One short-lived {@link nonRetryingClient} connection to 127.0.0.1:`port`; always closed. */
export async function withProbeConnection<T>(
  port: number,
  use: (client: Redis) => Promise<T>,
  access: ProbeAccess = {},
): Promise<T> {
  const client = nonRetryingClient(`redis://${LOOPBACK}:${port}`, access);
  try {
    await client.connect();
    return await use(client);
  } finally {
    client.disconnect();
  }
}

/** The `key:value` lines of an INFO-style reply (INFO, CLUSTER INFO) as a map. */
export function infoFields(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) fields.set(line.slice(0, colon), line.slice(colon + 1));
  }
  return fields;
}
