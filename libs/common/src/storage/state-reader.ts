import type { TabTypeName } from '../handlers/tab-types.js';
import { SKETCH_WINDOWS } from '../handlers/windows.js';
import { readCell } from './cell.js';
import type { RedisConnection } from './redis-connect.js';
import { redisKeys } from './redis-keys.js';
import type { StoredState } from './stored-state.js';
import { EMPTY_STORED_STATE } from './stored-state.js';

/** The Unique buckets that can hold live data at `now`: every sketch window's live range plus the skew ahead. */
export function liveRegisterBuckets(now: number, aheadSeconds: number): string[] {
  const buckets: string[] = ['L'];
  SKETCH_WINDOWS.forEach((spec, w) => {
    const last = Math.floor((now + aheadSeconds) / spec.bucketSeconds);
    const first = Math.floor(now / spec.bucketSeconds) - spec.bucketCount + 1;
    for (let index = first; index <= last; index += 1) buckets.push(`${w}:${index}`);
  });
  return buckets;
}

/** A Unique State keeps only the register buckets a render can use at `now`. */
function liveOnly(state: StoredState, now: number, aheadSeconds: number): StoredState {
  const live = new Set(liveRegisterBuckets(now, aheadSeconds));
  const registers = new Map([...state.registers].filter(([bucket]) => live.has(bucket)));
  return { ...state, registers };
}

/**
 * The stored State a cell's bytes hold at `now` (EMPTY_STORED_STATE for a missing cell): its
 * records merged (cell.ts); a Unique keeps only the register buckets a render can use.
 */
export function storedStateOfCell(
  value: unknown,
  type: TabTypeName,
  now: number,
  aheadSeconds = 300,
): StoredState {
  if (!(value instanceof Uint8Array)) return EMPTY_STORED_STATE;
  const state = readCell(value, now);
  return type === 'UNIQUE' ? liveOnly(state, now, aheadSeconds) : state;
}

/**
 * Reads the stored States of one Tab for the given clients (or ALL_CLIENTS): one GET of each
 * cell, in one pipeline, each cell's records merged (cell.ts).
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
  for (const client of clients) pipeline.getBuffer(redisKeys.cell(partition, tab, client));
  const replies = (await pipeline.exec()) ?? [];
  const states = new Map<string, StoredState>();
  clients.forEach((client, i) => {
    const [error, value] = replies[i] ?? [new Error('missing reply'), null];
    if (error) throw error;
    states.set(client, storedStateOfCell(value, type, now, aheadSeconds));
  });
  return states;
}
