/**
 * Restored States by cell (a Tab of one client, or its all-clients State), each kept with the
 * `version` of its partition read before it. Requests whose filters differ but select the same
 * Tabs share them, and a read of every Tab re-reads only the partitions written since: a write
 * bumps its partition's version, and a lookup at another version is a miss (the stale State is
 * dropped). Pure: versions and States are read by the caller.
 *
 * Bounded in bytes (each State's heap estimated once, approximate-bytes.ts), least recently
 * used out first; a State larger than the whole budget is not kept. Handlers never change a
 * State they merge from or render (handler.ts), so a kept State is shared, never copied.
 */
interface Entry {
  readonly version: number;
  readonly state: unknown;
  readonly bytes: number;
}

/** A kept State and the bytes it is counted for. */
export interface KeptState {
  readonly state: unknown;
  readonly bytes: number;
}

export interface StateCacheStats {
  readonly hits: number;
  readonly misses: number;
  readonly entries: number;
  readonly bytes: number;
  readonly maxBytes: number;
}

/** Bytes an entry is counted for beyond its State: the key (UTF-16) and the map slot. */
export function stateEntryOverhead(key: string): number {
  return 2 * key.length + 64;
}

export class StateCache {
  private hits = 0;
  private misses = 0;
  private bytes = 0;
  private readonly entries = new Map<string, Entry>();

  /** @param maxBytes what the kept States may take, estimated; 0 keeps none */
  constructor(readonly maxBytes: number) {}

  /** The State kept under `key` if it was read at `version`; a stale one is dropped. */
  lookup(key: string, version: number): KeptState | undefined {
    const entry = this.entries.get(key);
    if (entry && entry.version === version) {
      this.hits += 1;
      // Most recently used goes last.
      this.entries.delete(key);
      this.entries.set(key, entry);
      return entry;
    }
    if (entry) this.drop(key, entry);
    this.misses += 1;
    return undefined;
  }

  /** Keeps a State read after `version` was; `stateBytes` is its estimated heap. */
  store(key: string, version: number, state: unknown, stateBytes: number): void {
    const old = this.entries.get(key);
    if (old) this.drop(key, old);
    const bytes = stateBytes + stateEntryOverhead(key);
    if (bytes > this.maxBytes) return;
    this.entries.set(key, { version, state, bytes });
    this.bytes += bytes;
    for (const [oldest, entry] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.drop(oldest, entry);
    }
  }

  private drop(key: string, entry: Entry): void {
    this.entries.delete(key);
    this.bytes -= entry.bytes;
  }

  stats(): StateCacheStats {
    return {
      hits: this.hits,
      misses: this.misses,
      entries: this.entries.size,
      bytes: this.bytes,
      maxBytes: this.maxBytes,
    };
  }
}
