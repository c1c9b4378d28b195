import { backoffMs } from '../service/backoff.js';
import type { ServiceInstance } from './discovery.js';

/**
 * Pure pieces of Consul discovery: reading `/v1/health/service/<name>` answers into instance
 * lists, and the `host:port` ⇄ Consul `Address`/`Port` mapping.
 */

function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `host:port` for a host that may be an IPv6 literal (bracketed then). */
export function joinHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** The host and port of `host:port` or `[v6]:port`; an error names the bad address. */
export function splitHostPort(address: string): { readonly host: string; readonly port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(address);
  const host = match?.[1] ?? match?.[2];
  const port = Number(match?.[3]);
  if (host === undefined || !Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`expected host:port with a port from 1 to 65535, got "${address}"`);
  }
  return { host, port };
}

function allChecksPassing(checks: unknown): boolean {
  if (!Array.isArray(checks)) return true;
  return checks.every(check => isRecord(check) && check.Status === 'passing');
}

function instanceOf(entry: unknown): ServiceInstance | undefined {
  if (!isRecord(entry) || !isRecord(entry.Service)) return undefined;
  const { ID: id, Address: serviceAddress, Port: port } = entry.Service;
  if (typeof id !== 'string' || id === '' || typeof port !== 'number') return undefined;
  // Consul's rule: an empty service address means "the node's address".
  const nodeAddress = isRecord(entry.Node) ? entry.Node.Address : undefined;
  const host =
    typeof serviceAddress === 'string' && serviceAddress !== '' ? serviceAddress : nodeAddress;
  if (typeof host !== 'string' || host === '') return undefined;
  return { id, address: joinHostPort(host, port) };
}

/**
 * The healthy instances in a `/v1/health/service/<name>` answer, sorted by id (code units)
 * with duplicate ids dropped: entries whose checks are all passing (a second filter behind
 * `?passing`), malformed entries skipped.
 */
export function healthyInstances(entries: unknown): ServiceInstance[] {
  if (!Array.isArray(entries)) return [];
  const byId = new Map<string, ServiceInstance>();
  for (const entry of entries) {
    if (!isRecord(entry) || !allChecksPassing(entry.Checks)) continue;
    const instance = instanceOf(entry);
    if (instance && !byId.has(instance.id)) byId.set(instance.id, instance);
  }
  return [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Whether two instance lists are the same members at the same addresses, in the same order. */
export function sameInstances(
  a: readonly ServiceInstance[],
  b: readonly ServiceInstance[],
): boolean {
  return (
    a.length === b.length &&
    a.every((instance, i) => instance.id === b[i]?.id && instance.address === b[i]?.address)
  );
}

/** Consul's retries: doubling, spread by ±20 % so that many instances do not retry in step. */
const CONSUL_RETRY = { multiplier: 2, jitter: 0.2 } as const;

/** Delay before retry number `attempt` (1, 2, …): doubling from `initialMs`, capped at `maxMs`, ±20 %. */
export function retryDelayMs(
  attempt: number,
  initialMs: number,
  maxMs: number,
  random: () => number = Math.random,
): number {
  return Math.round(backoffMs({ initialMs, maxMs, ...CONSUL_RETRY }, Math.max(1, attempt), random));
}
