import { InvalidArgumentError } from '../errors/taba-error.js';

/**
 * A Delta as Redis operations: what ingest sends the aggregator (TabDelta.delta, as JSON)
 * and what the commit script applies, to the client's State and to the all-clients State
 * alike. The aggregator needs no handler knowledge: it only places these in Redis.
 *
 * Hash cell ops, flattened as [op, field, value, …]:
 * - `i` HINCRBY (counts), `f` HINCRBYFLOAT (totals),
 * - `n` keep the minimum, `x` keep the maximum (numbers as decimal text),
 * - `g` last writer wins for a gauge entry `ts|expires|<n|s><value>` (newer ts, then later
 *   expiry, then the greater value).
 */
export type HashOp = 'i' | 'f' | 'n' | 'x' | 'g';

export interface TabOps {
  hash: string[];
  /** Buffer entries as [score, member, …]; the sorted set keeps the `cap` highest scores. */
  buffer?: { cap: number; entries: string[] };
  /** HyperLogLog register raises per bucket: pairs [register, rank, …]; expireAtMs 0 = never. */
  registers?: { bucket: string; expireAtMs: number; pairs: number[] }[];
}

export function encodeTabOps(ops: TabOps): Buffer {
  return Buffer.from(JSON.stringify(ops));
}

const HASH_OPS = new Set(['i', 'f', 'n', 'x', 'g']);

function malformed(detail: string): InvalidArgumentError {
  return new InvalidArgumentError('MALFORMED_DELTA', `delta is malformed: ${detail}`);
}

/** Parses and checks a TabDelta's bytes; anything off is INVALID_ARGUMENT, never a crash. */
export function decodeTabOps(bytes: Uint8Array): TabOps {
  let parsed: unknown;
  try {
    parsed = JSON.parse(
      Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8'),
    );
  } catch {
    throw malformed('not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null) throw malformed('not an object');
  const { hash, buffer, registers } = parsed as Partial<TabOps>;
  if (!Array.isArray(hash) || hash.length % 3 !== 0)
    throw malformed('hash is not a list of triples');
  for (let i = 0; i < hash.length; i += 3) {
    if (
      !HASH_OPS.has(String(hash[i])) ||
      typeof hash[i + 1] !== 'string' ||
      typeof hash[i + 2] !== 'string'
    ) {
      throw malformed(`hash op ${i / 3}`);
    }
  }
  if (buffer !== undefined) {
    if (
      typeof buffer !== 'object' ||
      !Number.isInteger(buffer.cap) ||
      buffer.cap < 1 ||
      !Array.isArray(buffer.entries) ||
      buffer.entries.length % 2 !== 0 ||
      buffer.entries.some(entry => typeof entry !== 'string')
    ) {
      throw malformed('buffer');
    }
  }
  if (registers !== undefined) {
    if (!Array.isArray(registers)) throw malformed('registers');
    for (const group of registers) {
      if (
        typeof group?.bucket !== 'string' ||
        !Number.isFinite(group.expireAtMs) ||
        !Array.isArray(group.pairs) ||
        group.pairs.length % 2 !== 0 ||
        group.pairs.some(n => !Number.isInteger(n) || n < 0 || n > 65535)
      ) {
        throw malformed('registers');
      }
    }
  }
  return parsed as TabOps;
}
