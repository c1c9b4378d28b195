import type { HashOp, TabOps } from '@taba/common';

/**
 * Merging Deltas for the all-clients State: the ops of every part of a commit chunk that
 * touch one (partition, Tab, type) become one Delta, written once. The rules are the commit
 * script's, applied in the same order, so the State ends up the same as applying each Delta
 * in turn: sums add, `n` keeps the least, `x` the greatest, a gauge entry the newest; Buffer
 * entries are all kept (the script trims to the cap); registers keep their highest rank.
 * Pure: unit-tested without Redis.
 */

interface Accumulated {
  op: HashOp;
  /** A number for i f n x; the entry text for g. */
  value: number | string;
}

/** "ts|expires|<n|s>value": newer ts, then later expiry, then the greater value (commit.lua's gaugeNewer). */
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

/** The ops of many Deltas of one State, merged per field, Buffer and register bucket. */
export class MergedOps {
  private readonly hash = new Map<string, Accumulated>();
  private buffer: { cap: number; entries: string[] } | undefined;
  private readonly registers = new Map<
    string,
    { expireAtMs: number; ranks: Map<number, number> }
  >();

  add(ops: TabOps): void {
    const { hash } = ops;
    for (let i = 0; i < hash.length; i += 3) {
      const op = hash[i] as HashOp;
      const field = hash[i + 1] ?? '';
      const text = hash[i + 2] ?? '';
      const current = this.hash.get(field);
      if (current === undefined) {
        this.hash.set(field, { op, value: op === 'g' ? text : Number(text) });
      } else if (op === 'g') {
        if (gaugeEntryNewer(text, String(current.value))) current.value = text;
      } else {
        const value = Number(text);
        const held = current.value as number;
        if (op === 'i' || op === 'f') current.value = held + value;
        else if (op === 'n') current.value = Math.min(held, value);
        else current.value = Math.max(held, value);
      }
    }
    if (ops.buffer) {
      this.buffer ??= { cap: ops.buffer.cap, entries: [] };
      this.buffer.cap = Math.max(this.buffer.cap, ops.buffer.cap);
      for (const entry of ops.buffer.entries) this.buffer.entries.push(entry);
    }
    for (const group of ops.registers ?? []) {
      let bucket = this.registers.get(group.bucket);
      if (!bucket) {
        bucket = { expireAtMs: group.expireAtMs, ranks: new Map() };
        this.registers.set(group.bucket, bucket);
      }
      bucket.expireAtMs = Math.max(bucket.expireAtMs, group.expireAtMs);
      const { pairs } = group;
      for (let i = 0; i < pairs.length; i += 2) {
        const register = pairs[i] ?? 0;
        const rank = pairs[i + 1] ?? 0;
        if (rank > (bucket.ranks.get(register) ?? 0)) bucket.ranks.set(register, rank);
      }
    }
  }

  toOps(): TabOps {
    const hash: string[] = [];
    for (const [field, { op, value }] of this.hash) hash.push(op, field, String(value));
    const ops: TabOps = { hash };
    if (this.buffer) ops.buffer = this.buffer;
    if (this.registers.size > 0) {
      ops.registers = [...this.registers].map(([bucket, { expireAtMs, ranks }]) => ({
        bucket,
        expireAtMs,
        pairs: [...ranks].flat(),
      }));
    }
    return ops;
  }
}

/** What the all-clients groups are built from: a part's partition and its Tabs. */
export interface MergeablePart {
  readonly partition: number;
  readonly tabs: readonly { readonly name: string; readonly spec: string; readonly ops: TabOps }[];
}

export interface AllClientsGroup {
  readonly partition: number;
  readonly name: string;
  readonly spec: string;
  readonly ops: TabOps;
}

/** One group per (partition, Tab, type spec) over the parts not in `skip`, in first-seen order. */
export function groupAllClients(
  parts: readonly MergeablePart[],
  skip: ReadonlySet<number>,
): AllClientsGroup[] {
  const groups = new Map<
    string,
    { partition: number; name: string; spec: string; merged: MergedOps }
  >();
  parts.forEach((part, index) => {
    if (skip.has(index)) return;
    for (const tab of part.tabs) {
      const key = `${part.partition}|${tab.name}|${tab.spec}`;
      let group = groups.get(key);
      if (!group) {
        group = {
          partition: part.partition,
          name: tab.name,
          spec: tab.spec,
          merged: new MergedOps(),
        };
        groups.set(key, group);
      }
      group.merged.add(tab.ops);
    }
  });
  return [...groups.values()].map(({ merged, ...group }) => ({ ...group, ops: merged.toOps() }));
}
