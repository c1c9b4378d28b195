/**
 * A cache that is never stale. It keeps merged States (never renders: windows slide with time,
 * so every answer is rendered at the current clock), keyed by the canonical request. Each entry
 * remembers the `version` of every partition it read, taken BEFORE the data was read; it is
 * served only while a fresh read of those versions finds them unchanged. Every commit and every
 * delete bumps its partition's version, so an entry can only be served while no write touched
 * what it was built from. Pure: the versions are read by the caller.
 *
 * Bounded twice: by entries and by bytes (the key and an estimate of the value's heap), least
 * recently used out first, so a few huge answers cannot hold the memory many small ones would.
 */
import { approximateBytes } from './approximate-bytes.js';

interface Entry {
  readonly partitions: readonly number[];
  readonly versions: readonly number[];
  readonly value: unknown;
  readonly bytes: number;
}

export interface CacheStats {
  readonly hits: number;
  readonly misses: number;
  readonly entries: number;
  readonly capacity: number;
  readonly bytes: number;
  readonly maxBytes: number;
  /** Values not kept because alone they were larger than maxBytes. */
  readonly tooLarge: number;
}

function sameNumbers(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((value, i) => value === b[i]);
}

/** Least-recently-used map of request key → (partition versions, merged States). */
export class QueryCache {
  private hits = 0;
  private misses = 0;
  private tooLarge = 0;
  private bytes = 0;
  private readonly entries = new Map<string, Entry>();

  /**
   * @param capacity entries kept; 0 keeps none (every lookup is a miss)
   * @param maxBytes bytes kept (keys and values, estimated) @default unbounded
   */
  constructor(
    readonly capacity: number,
    readonly maxBytes: number = Number.POSITIVE_INFINITY,
  ) {}

  private drop(key: string): void {
    const entry = this.entries.get(key);
    if (entry === undefined) return;
    this.bytes -= entry.bytes;
    this.entries.delete(key);
  }

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
    if (entry) this.drop(key);
    this.misses += 1;
    return undefined;
  }

  /**
   * Stores a value built from data read after `versions` were read. `valueBytes`, when the
   * caller knows it, saves estimating the value's heap again.
   */
  store(
    key: string,
    partitions: readonly number[],
    versions: readonly number[],
    value: unknown,
    valueBytes?: number,
  ): void {
    if (this.capacity <= 0) return;
    this.drop(key);
    const bytes = 2 * key.length + (valueBytes ?? approximateBytes(value)) + 16 * partitions.length;
    if (bytes > this.maxBytes) {
      this.tooLarge += 1;
      return;
    }
    this.entries.set(key, { partitions: [...partitions], versions: [...versions], value, bytes });
    this.bytes += bytes;
    while (this.entries.size > this.capacity || this.bytes > this.maxBytes) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.drop(oldest.value);
    }
  }

  stats(): CacheStats {
    return {
      hits: this.hits,
      misses: this.misses,
      entries: this.entries.size,
      capacity: this.capacity,
      bytes: this.bytes,
      maxBytes: this.maxBytes,
      tooLarge: this.tooLarge,
    };
  }
}
