import { InvalidArgumentError } from '../errors/taba-error.js';
import type { TabTypeName } from '../handlers/tab-types.js';
import { MergedOps } from './merged-ops.js';
import { expiredBufferMembers, prunableFields } from './prunable.js';
import type { StoredState } from './stored-state.js';
import type { TabOps } from './tab-ops.js';
import { decodeTabOps, encodeTabOps } from './tab-ops.js';

/**
 * A cell: one (Tab, client) State in Redis as one string, append-only between compactions.
 *
 *   u32 LE base length | records…        record = u32 LE length | binary TabOps (tab-ops.ts)
 *
 * The base (the first `base length` bytes of records, possibly none) is what a compaction
 * merged; every commit since appended one record with its Delta. The State is the merge of all
 * records (MergedOps), so a commit is one APPEND whatever the Delta's fields, and a reader sees
 * everything acknowledged. Pure: unit-tested without Redis.
 */
export const CELL_HEADER_BYTES = 4;

/** Bytes of records appended since the cell's last compaction (past its base). */
export function cellTailBytes(value: Uint8Array): number {
  if (value.byteLength < CELL_HEADER_BYTES) throw corrupt('shorter than its header');
  const base = Buffer.from(value.buffer, value.byteOffset, value.byteLength).readUInt32LE(0);
  return value.byteLength - CELL_HEADER_BYTES - base;
}

/** A Delta as one appended record. */
export function cellRecord(ops: TabOps): Buffer {
  return cellRecordOf(encodeTabOps(ops));
}

/** A record of a Delta already in its binary form (as ingest sent it, checked by decodeTabOps). */
export function cellRecordOf(body: Uint8Array): Buffer {
  const record = Buffer.allocUnsafe(4 + body.length);
  record.writeUInt32LE(body.length, 0);
  record.set(body, 4);
  return record;
}

function corrupt(detail: string): InvalidArgumentError {
  return new InvalidArgumentError('CORRUPT_CELL', `a stored cell is corrupt: ${detail}`);
}

/** Calls `each` with every record's Delta bytes of a cell's value, base first. */
function forEachRecord(value: Uint8Array, each: (delta: Uint8Array) => void): void {
  const bytes = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  if (bytes.length < CELL_HEADER_BYTES) throw corrupt('shorter than its header');
  let at = CELL_HEADER_BYTES;
  while (at < bytes.length) {
    if (at + 4 > bytes.length) throw corrupt('a record length is cut off');
    const length = bytes.readUInt32LE(at);
    if (at + 4 + length > bytes.length) throw corrupt('a record is cut off');
    each(bytes.subarray(at + 4, at + 4 + length));
    at += 4 + length;
  }
}

/** The Deltas of a cell's value, base first. */
export function decodeCell(value: Uint8Array): TabOps[] {
  const records: TabOps[] = [];
  forEachRecord(value, delta => records.push(decodeTabOps(delta)));
  return records;
}

/** Every record of a cell merged, straight from the bytes. */
export function mergeCell(value: Uint8Array): MergedOps {
  const merged = new MergedOps();
  forEachRecord(value, delta => merged.addEncoded(delta));
  return merged;
}

/** What a reader makes of a cell's value at `nowSeconds`. */
export function readCell(value: Uint8Array, nowSeconds: number): StoredState {
  return mergeCell(value).toStoredState(nowSeconds * 1000);
}

/** A compaction's result: the new base record, or undefined when nothing is left. */
export interface Compacted {
  readonly base: Buffer | undefined;
  /** Fields, Buffer entries and register buckets dropped as no render can use them any more. */
  readonly pruned: number;
}

/**
 * Merges a cell's records into one base and drops what no render can use at `nowSeconds`:
 * buckets that left every window, expired gauge values and Buffer entries, Unique register
 * buckets past their expiry (prunable.ts).
 */
export function compactCell(type: TabTypeName, value: Uint8Array, nowSeconds: number): Compacted {
  const merged = mergeCell(value);
  const full = merged.toOps();
  const ops = merged.toOps(nowSeconds * 1000);
  let pruned = (full.registers?.length ?? 0) - (ops.registers?.length ?? 0);
  const fields: Record<string, string> = {};
  for (let i = 0; i < ops.hash.length; i += 3)
    fields[ops.hash[i + 1] ?? ''] = ops.hash[i + 2] ?? '';
  const doomed = new Set(prunableFields(type, fields, nowSeconds).map(({ field }) => field));
  if (doomed.size > 0) {
    const hash: string[] = [];
    for (let i = 0; i < ops.hash.length; i += 3) {
      if (!doomed.has(ops.hash[i + 1] ?? '')) hash.push(...ops.hash.slice(i, i + 3));
    }
    ops.hash = hash;
    pruned += doomed.size;
  }
  if (ops.buffer) {
    const { entries } = ops.buffer;
    const members: string[] = [];
    for (let i = 1; i < entries.length; i += 2) members.push(entries[i] ?? '');
    const expired = new Set(expiredBufferMembers(members, nowSeconds));
    if (expired.size > 0) {
      const kept: string[] = [];
      for (let i = 0; i < entries.length; i += 2) {
        if (!expired.has(entries[i + 1] ?? '')) kept.push(entries[i] ?? '', entries[i + 1] ?? '');
      }
      pruned += expired.size;
      if (kept.length > 0) ops.buffer = { cap: ops.buffer.cap, entries: kept };
      else delete ops.buffer;
    }
  }
  const empty = ops.hash.length === 0 && !ops.buffer && !ops.registers;
  return { base: empty ? undefined : cellRecord(ops), pruned };
}
