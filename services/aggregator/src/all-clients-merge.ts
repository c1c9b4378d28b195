import { MergedOps } from '@taba/common';

/**
 * The all-clients State of a Tab is written once per commit call: the Deltas of every fresh
 * part of the call that touch one (partition, Tab, type) are merged here first (MergedOps: the
 * same rules as merging a cell's records). Pure: unit-tested without Redis.
 */

/** What the all-clients groups are built from: a part's partition and its Tabs. */
export interface MergeablePart {
  readonly partition: number;
  readonly tabs: readonly {
    readonly name: string;
    readonly spec: string;
    /** The Delta in its binary form (tab-ops.ts). */
    readonly delta: Uint8Array;
  }[];
}

export interface AllClientsGroup {
  readonly partition: number;
  readonly name: string;
  readonly spec: string;
  /** The merged Delta, binary (tab-ops.ts). */
  readonly delta: Buffer;
}

/** A group as it gathers: one Delta as it came, merged only once a second one joins. */
interface Gathering {
  readonly partition: number;
  readonly name: string;
  readonly spec: string;
  first: Uint8Array;
  merged: MergedOps | undefined;
}

/**
 * One group per (partition, Tab, type spec) over the parts not in `skip`, in first-seen order.
 * A group of one Delta keeps its bytes (a merge of one is itself): no decoding, no encoding.
 */
export function groupAllClients(
  parts: readonly MergeablePart[],
  skip: ReadonlySet<number>,
): AllClientsGroup[] {
  const groups = new Map<string, Gathering>();
  parts.forEach((part, index) => {
    if (skip.has(index)) return;
    for (const tab of part.tabs) {
      const key = `${part.partition}|${tab.name}|${tab.spec}`;
      const group = groups.get(key);
      if (!group) {
        groups.set(key, {
          partition: part.partition,
          name: tab.name,
          spec: tab.spec,
          first: tab.delta,
          merged: undefined,
        });
        continue;
      }
      if (!group.merged) {
        group.merged = new MergedOps();
        group.merged.addEncoded(group.first);
      }
      group.merged.addEncoded(tab.delta);
    }
  });
  const result: AllClientsGroup[] = [];
  for (const { partition, name, spec, first, merged } of groups.values()) {
    const delta = merged
      ? merged.toEncoded()
      : Buffer.from(first.buffer, first.byteOffset, first.byteLength);
    result.push({ partition, name, spec, delta });
  }
  return result;
}
