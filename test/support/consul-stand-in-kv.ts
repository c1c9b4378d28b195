import type { RaftIndex } from './consul-stand-in-shared.js';
import { ConsulHttpError } from './consul-stand-in-shared.js';

/**
 * The KV half of the Consul stand-in, with Consul's index rules: a key's own ModifyIndex when
 * it exists; for listings, the highest ModifyIndex or tombstone under the prefix; otherwise
 * the KV table's index. Deleted keys leave tombstones (never reaped here) so a listing's
 * index cannot go back when a key under it is deleted.
 */

/** Consul's default `kv_max_value_size`. */
export const KV_MAX_VALUE_BYTES = 512 * 1024;

interface KvEntry {
  readonly key: string;
  readonly value: Buffer | null;
  readonly flags: number;
  readonly createIndex: number;
  readonly modifyIndex: number;
}

export interface KvRead<T> {
  readonly index: number;
  readonly found: T | undefined;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Consul's `strconv.ParseUint` errors answer 500 with Go's message. */
export function parseUint(name: string, text: string): number {
  if (!/^\d+$/.test(text)) {
    throw new ConsulHttpError(500, `strconv.ParseUint: parsing "${text}": invalid syntax`);
  }
  const value = Number(text);
  if (!Number.isSafeInteger(value)) {
    throw new ConsulHttpError(500, `${name}: ${text} is beyond what the stand-in keeps exactly`);
  }
  return value;
}

export class StandInKv {
  private readonly entries = new Map<string, KvEntry>();
  private readonly tombstones = new Map<string, number>();
  /** Last change to the KV table or its tombstones. */
  private tableIndex = 0;

  constructor(private readonly raft: RaftIndex) {}

  /** GET /v1/kv/<key> */
  get(key: string): KvRead<readonly unknown[]> {
    const entry = this.entries.get(key);
    if (!entry) return { index: Math.max(1, this.tableIndex), found: undefined };
    return { index: entry.modifyIndex, found: [this.view(entry)] };
  }

  /** The raw value of GET /v1/kv/<key>?raw */
  raw(key: string): KvRead<Buffer> {
    const entry = this.entries.get(key);
    if (!entry) return { index: Math.max(1, this.tableIndex), found: undefined };
    return { index: entry.modifyIndex, found: entry.value ?? Buffer.alloc(0) };
  }

  /** GET /v1/kv/<prefix>?recurse */
  list(prefix: string): KvRead<readonly unknown[]> {
    const entries = this.under(prefix);
    return {
      index: this.listIndex(prefix, entries),
      found: entries.length === 0 ? undefined : entries.map(entry => this.view(entry)),
    };
  }

  /** GET /v1/kv/<prefix>?keys[&separator=s]: an empty root listing is `[]`, not a 404. */
  keys(prefix: string, separator: string): KvRead<readonly string[]> {
    const entries = this.under(prefix);
    const keys = new Set<string>();
    for (const { key } of entries) {
      const rest = key.slice(prefix.length);
      const cut = separator === '' ? -1 : rest.indexOf(separator);
      keys.add(cut < 0 ? key : key.slice(0, prefix.length + cut + separator.length));
    }
    return {
      index: this.listIndex(prefix, entries),
      found: keys.size === 0 && prefix !== '' ? undefined : [...keys],
    };
  }

  /** PUT /v1/kv/<key>[?cas=i][&flags=f]: whether the value was written. */
  put(
    key: string,
    value: Buffer,
    options: { readonly cas?: number; readonly flags: number },
  ): boolean {
    const existing = this.entries.get(key);
    if (options.cas !== undefined) {
      if (options.cas === 0 && existing) return false;
      if (options.cas !== 0 && existing?.modifyIndex !== options.cas) return false;
    }
    // An empty body is stored as no value (JSON null), like Consul.
    const stored = value.length === 0 ? null : value;
    const unchanged =
      existing !== undefined &&
      existing.flags === options.flags &&
      (existing.value === null
        ? stored === null
        : stored !== null && existing.value.equals(stored));
    if (unchanged) return true;
    const index = this.raft.next();
    this.entries.set(key, {
      key,
      value: stored,
      flags: options.flags,
      createIndex: existing?.createIndex ?? index,
      modifyIndex: index,
    });
    this.tombstones.delete(key);
    this.tableIndex = index;
    return true;
  }

  /** DELETE /v1/kv/<key>[?recurse | ?cas=i]: false only when a CAS does not match. */
  delete(key: string, options: { readonly recurse: boolean; readonly cas?: number }): boolean {
    if (options.recurse) {
      const doomed = this.under(key);
      if (doomed.length > 0) this.remove(doomed, this.raft.next());
      return true;
    }
    const existing = this.entries.get(key);
    if (!existing) return true;
    if (options.cas !== undefined && existing.modifyIndex !== options.cas) return false;
    this.remove([existing], this.raft.next());
    return true;
  }

  private remove(entries: readonly KvEntry[], index: number): void {
    for (const { key } of entries) {
      this.entries.delete(key);
      this.tombstones.set(key, index);
    }
    this.tableIndex = index;
  }

  private under(prefix: string): KvEntry[] {
    return [...this.entries.values()]
      .filter(entry => entry.key.startsWith(prefix))
      .sort((a, b) => compareText(a.key, b.key));
  }

  private listIndex(prefix: string, entries: readonly KvEntry[]): number {
    if (prefix === '') return Math.max(1, this.tableIndex);
    let index = 0;
    for (const entry of entries) index = Math.max(index, entry.modifyIndex);
    for (const [key, deletedAt] of this.tombstones) {
      if (key.startsWith(prefix)) index = Math.max(index, deletedAt);
    }
    return index > 0 ? index : Math.max(1, this.tableIndex);
  }

  private view(entry: KvEntry) {
    return {
      LockIndex: 0,
      Key: entry.key,
      Flags: entry.flags,
      Value: entry.value === null ? null : entry.value.toString('base64'),
      CreateIndex: entry.createIndex,
      ModifyIndex: entry.modifyIndex,
    };
  }
}
