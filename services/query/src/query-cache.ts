/**
 * A cache that is never stale. It keeps merged States (never renders: windows slide with time,
 * so every answer is rendered at the current clock), keyed by the canonical request. Each entry
 * remembers the `version` of every partition it read, taken BEFORE the data was read; it is
 * served only while a fresh read of those versions finds them unchanged. Every commit and every
 * delete bumps its partition's version, so an entry can only be served while no write touched
 * what it was built from. Pure: the versions are read by the caller.
 */

interface Entry {
  readonly partitions: readonly number[];
  readonly versions: readonly number[];
  readonly value: unknown;
}

export interface CacheStats {
  readonly hits: number;
  readonly misses: number;
  readonly entries: number;
  readonly capacity: number;
}

function sameNumbers(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((value, i) => value === b[i]);
}

/** Least-recently-used map of request key → (partition versions, merged States). */
export class QueryCache {
  private hits = 0;
  private misses = 0;
  private readonly entries = new Map<string, Entry>();

  /** @param capacity entries kept; 0 keeps none (every lookup is a miss). */
  constructor(readonly capacity: number) {}

  /**
   * The value stored under `key` if it was built from exactly these partition versions;
   * otherwise undefined (a miss; a stale entry is dropped). Counts the hit or miss.
   */
  lookup<T>(
    key: string,
    partitions: readonly number[],
    versions: readonly number[],
  ): T | undefined {
    const entry = this.entries.get(key);
    if (
      entry &&
      sameNumbers(entry.partitions, partitions) &&
      sameNumbers(entry.versions, versions)
    ) {
      this.hits += 1;
      // Most recently used goes last.
      this.entries.delete(key);
      this.entries.set(key, entry);
      return entry.value as T;
    }
    if (entry) this.entries.delete(key);
    this.misses += 1;
    return undefined;
  }

  /** Stores a value built from data read after `versions` were read. */
  store(
    key: string,
    partitions: readonly number[],
    versions: readonly number[],
    value: unknown,
  ): void {
    if (this.capacity <= 0) return;
    this.entries.delete(key);
    this.entries.set(key, { partitions: [...partitions], versions: [...versions], value });
    while (this.entries.size > this.capacity) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.entries.delete(oldest.value);
    }
  }

  stats(): CacheStats {
    return {
      hits: this.hits,
      misses: this.misses,
      entries: this.entries.size,
      capacity: this.capacity,
    };
  }
}
