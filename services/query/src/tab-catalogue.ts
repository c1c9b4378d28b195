/**
 * The Tab catalogue: every Tab's name, partition and stored type spec, kept between requests so
 * that a pattern (or all-Tabs) read does not re-read the `types` hash of every partition. Each
 * partition's Tabs are kept with the partition's `version` read before them; a request that
 * finds a partition's version newer re-reads that partition only (`behind`). Pure: the reads
 * are done by the caller (catalogue-reader.ts).
 *
 * Bounded in bytes (estimated, `entryBytes`): a partition whose Tabs would take the catalogue
 * past the bound is not kept, only marked, and while any is marked the catalogue is incomplete:
 * reads that need every Tab are refused (CATALOGUE_TOO_LARGE), reads of exact names are not.
 */
import { compareCodePoints } from '@taba/common';

export interface CatalogueEntry {
  readonly partition: number;
  /** The stored type spec (`COUNTER_GROUP`, `HISTOGRAM:1,5,10`, …). */
  readonly spec: string;
}

interface PartitionTabs {
  /** The partition's version read before its Tabs were. */
  readonly version: number;
  readonly names: readonly string[];
  readonly bytes: number;
  /** True when the Tabs did not fit the byte bound and were not kept. */
  readonly overflow: boolean;
}

/** Bytes a Tab is counted for: its name and spec (UTF-16), map and list slots, the entry. */
export function entryBytes(name: string, spec: string): number {
  return 2 * (name.length + spec.length) + 128;
}

export class TabCatalogue {
  private readonly partitions: (PartitionTabs | undefined)[];
  private readonly entries = new Map<string, CatalogueEntry>();
  private bytes = 0;
  private overflowing = 0;
  /** Every kept name in code-point order, as of the last `names()`; see `added`. */
  private sorted: string[] = [];
  /** Names kept since `sorted` was built (merged in by the next `names()`). */
  private readonly added = new Set<string>();
  private removedSinceSort = false;

  constructor(
    readonly partitionCount: number,
    readonly maxBytes: number,
  ) {
    this.partitions = new Array<PartitionTabs | undefined>(partitionCount).fill(undefined);
  }

  /**
   * Partitions never read, or read at a version older than the one given, ascending. (Versions
   * only grow; after a FLUSHALL they restart at 0, and the query instances are to be restarted,
   * as for the request cache: docs/query.md.)
   */
  behind(versions: readonly number[]): number[] {
    const behind: number[] = [];
    for (let partition = 0; partition < this.partitionCount; partition += 1) {
      const kept = this.partitions[partition];
      if (kept === undefined || kept.version < (versions[partition] ?? 0)) behind.push(partition);
    }
    return behind;
  }

  /**
   * Replaces a partition's Tabs with `types` (name → spec), read after `version`. Past the byte
   * bound the partition is kept empty and marked overflowing instead.
   */
  apply(partition: number, version: number, types: ReadonlyMap<string, string>): void {
    if (!Number.isInteger(partition) || partition < 0 || partition >= this.partitionCount) {
      throw new RangeError(`partition ${partition} is not in 0 … ${this.partitionCount - 1}`);
    }
    const old = this.partitions[partition];
    if (old && !old.overflow && this.sameTabs(old, partition, types)) {
      this.partitions[partition] = { ...old, version };
      return;
    }
    let bytes = 0;
    for (const [name, spec] of types) bytes += entryBytes(name, spec);
    this.remove(old);
    const overflow = this.bytes + bytes > this.maxBytes;
    if (overflow) {
      this.overflowing += 1;
      this.partitions[partition] = { version, names: [], bytes: 0, overflow };
      return;
    }
    for (const [name, spec] of types) {
      this.entries.set(name, { partition, spec });
      this.added.add(name);
    }
    this.bytes += bytes;
    this.partitions[partition] = { version, names: [...types.keys()], bytes, overflow };
  }

  private sameTabs(old: PartitionTabs, partition: number, types: ReadonlyMap<string, string>) {
    if (old.names.length !== types.size) return false;
    for (const [name, spec] of types) {
      const entry = this.entries.get(name);
      if (entry?.partition !== partition || entry.spec !== spec) return false;
    }
    return true;
  }

  /** Forgets a partition's kept Tabs (its slot is set again by the caller). */
  private remove(old: PartitionTabs | undefined): void {
    if (!old) return;
    if (old.overflow) this.overflowing -= 1;
    if (old.names.length === 0) return;
    for (const name of old.names) {
      this.entries.delete(name);
      this.added.delete(name);
    }
    this.bytes -= old.bytes;
    this.removedSinceSort = true;
  }

  /** True when every partition read so far fitted the byte bound. */
  get complete(): boolean {
    return this.overflowing === 0;
  }

  /** The entry of a kept Tab. */
  entry(name: string): CatalogueEntry | undefined {
    return this.entries.get(name);
  }

  /**
   * Every kept name in code-point order. Rebuilt after a change by merging the new names into
   * the old order (linear), not by sorting everything again.
   */
  names(): readonly string[] {
    if (this.added.size === 0 && !this.removedSinceSort) return this.sorted;
    const added = this.added;
    const kept = this.removedSinceSort
      ? this.sorted.filter(name => this.entries.has(name) && !added.has(name))
      : this.sorted;
    this.sorted = mergeSorted(kept, [...added].sort(compareCodePoints));
    this.added.clear();
    this.removedSinceSort = false;
    return this.sorted;
  }

  stats(): { tabs: number; bytes: number; maxBytes: number; overflowing: number } {
    return {
      tabs: this.entries.size,
      bytes: this.bytes,
      maxBytes: this.maxBytes,
      overflowing: this.overflowing,
    };
  }
}

/** Two lists sorted by code point, merged into one. */
function mergeSorted(a: readonly string[], b: readonly string[]): string[] {
  const merged = new Array<string>(a.length + b.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length && j < b.length) {
    const x = a[i] as string;
    const y = b[j] as string;
    if (compareCodePoints(x, y) <= 0) {
      merged[k++] = x;
      i += 1;
    } else {
      merged[k++] = y;
      j += 1;
    }
  }
  while (i < a.length) merged[k++] = a[i++] as string;
  while (j < b.length) merged[k++] = b[j++] as string;
  return merged;
}
