import type { TabTypeName } from '../handlers/tab-types.js';
import { SKETCH_WINDOWS } from '../handlers/windows.js';
import type { RedisConnection } from './redis-connect.js';
import { redisKeys } from './redis-keys.js';
import { REGISTER_GRACE_MS } from './state-codec.js';
import type { StoredState } from './stored-state.js';

/** The Unique buckets that can hold live data at `now`: every sketch window's live range plus the skew ahead. */
export function liveRegisterBuckets(now: number, aheadSeconds: number): string[] {
  return registerBucketsFrom(now, now, aheadSeconds);
}

/**
 * The Unique buckets whose keys may still exist at `now`: the live ones, and those that left
 * their window less than REGISTER_GRACE_MS ago (their keys expire only then).
 */
export function existingRegisterBuckets(now: number, aheadSeconds: number): string[] {
  return registerBucketsFrom(now - REGISTER_GRACE_MS / 1000, now, aheadSeconds);
}

function registerBucketsFrom(since: number, now: number, aheadSeconds: number): string[] {
  const buckets: string[] = ['L'];
  SKETCH_WINDOWS.forEach((spec, w) => {
    const last = Math.floor((now + aheadSeconds) / spec.bucketSeconds);
    const first = Math.floor(since / spec.bucketSeconds) - spec.bucketCount + 1;
    for (let index = first; index <= last; index += 1) buckets.push(`${w}:${index}`);
  });
  return buckets;
}

function isWrongType(error: unknown): boolean {
  return error instanceof Error && error.message.startsWith('WRONGTYPE');
}

/**
 * Reads the stored States of one Tab for the given clients (or ALL_CLIENTS) in one
 * pipeline (plus one more for dense Unique registers).
 */
export async function readStoredStates(
  redis: RedisConnection,
  partition: number,
  tab: string,
  type: TabTypeName,
  clients: readonly string[],
  now: number,
  aheadSeconds = 300,
): Promise<Map<string, StoredState>> {
  const pipeline = redis.pipeline();
  const registerBuckets = type === 'UNIQUE' ? liveRegisterBuckets(now, aheadSeconds) : [];
  for (const client of clients) {
    pipeline.hgetall(redisKeys.state(partition, tab, client));
    if (type === 'BUFFER')
      pipeline.zrange(redisKeys.buffer(partition, tab, client), '0', '-1', 'WITHSCORES');
    for (const bucket of registerBuckets)
      pipeline.hgetall(redisKeys.registers(partition, tab, client, bucket));
  }
  const replies = (await pipeline.exec()) ?? [];
  const states = new Map<string, StoredState>();
  const dense: {
    client: string;
    bucket: string;
    registers: Map<string, Record<string, string> | Uint8Array>;
  }[] = [];
  let at = 0;
  const next = (): [Error | null, unknown] =>
    (replies[at++] ?? [new Error('missing reply'), null]) as [Error | null, unknown];
  for (const client of clients) {
    const [hashError, hash] = next();
    if (hashError) throw hashError;
    const buffer: [string, number][] = [];
    if (type === 'BUFFER') {
      const [bufferError, flat] = next();
      if (bufferError) throw bufferError;
      const list = flat as string[];
      for (let i = 0; i < list.length; i += 2) buffer.push([list[i] ?? '', Number(list[i + 1])]);
    }
    const registers = new Map<string, Record<string, string> | Uint8Array>();
    for (const bucket of registerBuckets) {
      const [error, sparse] = next();
      if (error && isWrongType(error)) dense.push({ client, bucket, registers });
      else if (error) throw error;
      else if (Object.keys(sparse as object).length > 0)
        registers.set(bucket, sparse as Record<string, string>);
    }
    states.set(client, { hash: hash as Record<string, string>, buffer, registers });
  }
  if (dense.length > 0) {
    const bytes = redis.pipeline();
    for (const { client, bucket } of dense)
      bytes.getBuffer(redisKeys.registers(partition, tab, client, bucket));
    const denseReplies = (await bytes.exec()) ?? [];
    dense.forEach(({ bucket, registers }, i) => {
      const [error, value] = denseReplies[i] ?? [new Error('missing reply'), null];
      if (error) throw error;
      if (value instanceof Uint8Array) registers.set(bucket, value);
    });
  }
  return states;
}
