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
      group.merged.addEncoded(tab.delta);
    }
  });
  return [...groups.values()].map(({ merged, ...group }) => ({
    ...group,
    delta: merged.toEncoded(),
  }));
}
