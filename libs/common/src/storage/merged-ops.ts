import type { StoredState } from './stored-state.js';
import type { HashOp, TabOps, TabOpsVisitor } from './tab-ops.js';
import { encodeTabOpsParts, walkTabOps } from './tab-ops.js';

/**
 * Merging Deltas of one State: what a cell's records add up to (a base and the Deltas appended
 * after it), and what the aggregator writes once per commit call for an all-clients State. The
 * rules are those of the cell encoding (docs/architecture.md): sums add, `n` keeps the least,
 * `x` the greatest, a gauge entry the newest; a Buffer keeps its `cap` highest (score, member)
 * entries; a register keeps its highest rank; a register bucket past its expiry is gone.
 * Pure: unit-tested without Redis.
 */

interface Accumulated {
  op: HashOp;
  /** A number for i f n x; the entry text for g. */
  value: number | string;
}

/** "ts|expires|<n|s>value": newer ts, then later expiry, then the greater value. */
export function gaugeEntryNewer(a: string, b: string): boolean {
  const [at, ae, av] = splitEntry(a);
  const [bt, be, bv] = splitEntry(b);
  if (bv === undefined) return true;
  if (av === undefined) return false;
  if (Number(at) !== Number(bt)) return Number(at) > Number(bt);
  if (Number(ae) !== Number(be)) return Number(ae) > Number(be);
  const ak = av.charAt(0);
  const bk = bv.charAt(0);
  if (ak !== bk) return ak === 's';
  if (ak === 'n') return Number(av.slice(1)) > Number(bv.slice(1));
  return Buffer.compare(Buffer.from(av.slice(1)), Buffer.from(bv.slice(1))) > 0;
}

function splitEntry(text: string): [string, string, string | undefined] {
  const first = text.indexOf('|');
  const second = first < 0 ? -1 : text.indexOf('|', first + 1);
  if (second < 0) return ['', '', undefined];
  return [text.slice(0, first), text.slice(first + 1, second), text.slice(second + 1)];
}

/** Buffer entries in sorted-set order: score, then member bytes. */
function entryOrder(a: readonly [string, number], b: readonly [string, number]): number {
  return a[1] - b[1] || Buffer.compare(Buffer.from(a[0]), Buffer.from(b[0]));
}

/**
 * The ops of many Deltas of one State, merged per field, Buffer member and register bucket.
 * It is its own TabOpsVisitor (methods, not closures made per instance: the aggregator makes
 * one per all-clients group of every commit call).
 */
export class MergedOps implements TabOpsVisitor {
  private readonly hash = new Map<string, Accumulated>();
  /** The Buffer's cap: the largest any Delta gave. */
  private capacity = 0;
  /** Member → score. */
  private readonly buffer = new Map<string, number>();
  private readonly registers = new Map<
    string,
    { expireAtMs: number; ranks: Map<number, number> }
  >();
  /** The register group being walked (registerGroup, then its registers). */
  private bucket: { expireAtMs: number; ranks: Map<number, number> } | undefined;

  add(ops: TabOps): void {
    const { hash } = ops;
    for (let i = 0; i < hash.length; i += 3) {
      const op = hash[i] as HashOp;
      const field = hash[i + 1] ?? '';
      const text = hash[i + 2] ?? '';
      if (op === 'g') this.hashText(field, text);
      else this.hashNumber(op, field, Number(text));
    }
    if (ops.buffer) {
      this.bufferCap(ops.buffer.cap);
      const { entries } = ops.buffer;
      for (let i = 0; i < entries.length; i += 2)
        this.bufferEntry(Number(entries[i]), entries[i + 1] ?? '');
    }
    for (const group of ops.registers ?? []) {
      this.registerGroup(group.bucket, group.expireAtMs);
      const { pairs } = group;
      for (let i = 0; i < pairs.length; i += 2) this.register(pairs[i] ?? 0, pairs[i + 1] ?? 0);
    }
  }

  /** Merges a Delta straight from its binary form (checked as it is read: walkTabOps). */
  addEncoded(bytes: Uint8Array): void {
    walkTabOps(bytes, this);
  }

  // The merge rules, one item at a time (TabOpsVisitor; add and addEncoded both use them).

  hashNumber(op: Exclude<HashOp, 'g'>, field: string, value: number): void {
    const current = this.hash.get(field);
    if (current === undefined) {
      this.hash.set(field, { op, value });
      return;
    }
    const held = current.value as number;
    if (op === 'i' || op === 'f') current.value = held + value;
    else if (op === 'n') current.value = Math.min(held, value);
    else current.value = Math.max(held, value);
  }

  hashText(field: string, entry: string): void {
    const current = this.hash.get(field);
    if (current === undefined) this.hash.set(field, { op: 'g', value: entry });
    else if (gaugeEntryNewer(entry, String(current.value))) current.value = entry;
  }

  bufferCap(cap: number): void {
    this.capacity = Math.max(this.capacity, cap);
  }

  bufferEntry(score: number, member: string): void {
    this.buffer.set(member, score);
    // Trimmed as it grows, so a long run of Deltas holds at most twice the cap.
    if (this.buffer.size > 2 * this.capacity) this.trimBuffer();
  }

  registerGroup(bucket: string, expireAtMs: number): void {
    let group = this.registers.get(bucket);
    if (!group) {
      group = { expireAtMs, ranks: new Map() };
      this.registers.set(bucket, group);
    }
    group.expireAtMs = Math.max(group.expireAtMs, expireAtMs);
    this.bucket = group;
  }

  register(register: number, rank: number): void {
    const ranks = this.bucket?.ranks;
    if (ranks && rank > (ranks.get(register) ?? 0)) ranks.set(register, rank);
  }

  /** Keeps the `cap` highest entries (as a sorted set trimmed to its cap would). */
  private trimBuffer(): [string, number][] {
    const sorted = [...this.buffer].sort(entryOrder);
    const kept = sorted.slice(Math.max(0, sorted.length - this.capacity));
    if (kept.length < sorted.length) {
      this.buffer.clear();
      for (const [member, score] of kept) this.buffer.set(member, score);
    }
    return kept;
  }

  /** Drops register buckets that expired by `nowMs` (0: never expires). */
  private liveRegisters(
    nowMs: number,
  ): [string, { expireAtMs: number; ranks: Map<number, number> }][] {
    return [...this.registers].filter(
      ([, { expireAtMs }]) => expireAtMs === 0 || expireAtMs > nowMs,
    );
  }

  /** The merged Delta (one record: a cell's base, or an all-clients write). */
  toOps(nowMs = 0): TabOps {
    const hash: string[] = [];
    for (const [field, { op, value }] of this.hash) hash.push(op, field, String(value));
    const ops: TabOps = { hash };
    if (this.buffer.size > 0) {
      const entries: string[] = [];
      for (const [member, score] of this.trimBuffer()) entries.push(String(score), member);
      ops.buffer = { cap: this.capacity, entries };
    }
    const registers = this.liveRegisters(nowMs);
    if (registers.length > 0) {
      ops.registers = registers.map(([bucket, { expireAtMs, ranks }]) => ({
        bucket,
        expireAtMs,
        pairs: [...ranks].flat(),
      }));
    }
    return ops;
  }

  /** The merged Delta in its binary form, written straight from the numbers. */
  toEncoded(nowMs = 0): Buffer {
    const hash: [HashOp, string, number | string][] = [];
    for (const [field, { op, value }] of this.hash) hash.push([op, field, value]);
    return encodeTabOpsParts({
      hash,
      ...(this.buffer.size > 0
        ? {
            buffer: {
              cap: this.capacity,
              entries: this.trimBuffer().map(([member, score]) => [score, member] as const),
            },
          }
        : {}),
      registers: this.liveRegisters(nowMs).map(([bucket, { expireAtMs, ranks }]) => ({
        bucket,
        expireAtMs,
        ranks: [...ranks],
      })),
    });
  }

  /** What a reader makes of the State at `nowMs` (see StoredState). */
  toStoredState(nowMs: number): StoredState {
    const hash: Record<string, string> = {};
    for (const [field, { value }] of this.hash) hash[field] = String(value);
    const registers = new Map<string, Record<string, string> | Uint8Array>();
    for (const [bucket, { ranks }] of this.liveRegisters(nowMs)) {
      const sparse: Record<string, string> = {};
      for (const [register, rank] of ranks) sparse[register] = String(rank);
      registers.set(bucket, sparse);
    }
    return { hash, buffer: this.buffer.size > 0 ? this.trimBuffer() : [], registers };
  }
}
