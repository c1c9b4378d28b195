// The client's in-memory batch: one growable typed column per (name, type, value kind, bounds),
// so recording an event writes numbers into Float64Arrays and allocates no object.
import type { TabTypeName } from '@taba/common';
import type { EncodableColumn } from './encode.js';

/** Whether a column carries numbers (`values`) or strings (`strings`). */
export type ValueKind = 'number' | 'string';

const INITIAL_CAPACITY = 16;

function grown(array: Float64Array, capacity: number): Float64Array {
  const bigger = new Float64Array(capacity);
  bigger.set(array);
  return bigger;
}

/** Both undefined, or the same numbers in the same order. */
export function sameBounds(
  a: readonly number[] | undefined,
  b: readonly number[] | undefined,
): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i += 1) if (a[i] !== b[i]) return false;
  return true;
}

/** The events of one Tab, column by column; event i is (timestamps[i], value i, expiries[i]). */
export class Column implements EncodableColumn {
  length = 0;
  timestamps: Float64Array;
  values: Float64Array | undefined;
  strings: string[] | undefined;
  expiries: Float64Array | undefined;

  constructor(
    readonly name: string,
    readonly type: TabTypeName,
    readonly kind: ValueKind,
    readonly withExpiry: boolean,
    readonly bounds: readonly number[] | undefined,
    capacity: number = INITIAL_CAPACITY,
  ) {
    this.timestamps = new Float64Array(capacity);
    if (kind === 'number') this.values = new Float64Array(capacity);
    else this.strings = [];
    if (withExpiry) this.expiries = new Float64Array(capacity);
  }

  private reserve(): void {
    if (this.length < this.timestamps.length) return;
    const capacity = this.timestamps.length * 2;
    this.timestamps = grown(this.timestamps, capacity);
    if (this.values) this.values = grown(this.values, capacity);
    if (this.expiries) this.expiries = grown(this.expiries, capacity);
  }

  pushNumber(timestamp: number, value: number, expiry: number): void {
    this.reserve();
    const i = this.length;
    this.timestamps[i] = timestamp;
    if (this.values) this.values[i] = value;
    if (this.expiries) this.expiries[i] = expiry;
    this.length = i + 1;
  }

  pushString(timestamp: number, value: string, expiry: number): void {
    this.reserve();
    const i = this.length;
    this.timestamps[i] = timestamp;
    this.strings?.push(value);
    if (this.expiries) this.expiries[i] = expiry;
    this.length = i + 1;
  }

  /** Moves the first `count` events (fewer than `length`) into a new column; keeps the rest. */
  splitOff(count: number): Column {
    const head = new Column(this.name, this.type, this.kind, this.withExpiry, this.bounds, count);
    head.length = count;
    head.timestamps.set(this.timestamps.subarray(0, count));
    this.timestamps.copyWithin(0, count, this.length);
    if (this.values && head.values) {
      head.values.set(this.values.subarray(0, count));
      this.values.copyWithin(0, count, this.length);
    }
    if (this.expiries && head.expiries) {
      head.expiries.set(this.expiries.subarray(0, count));
      this.expiries.copyWithin(0, count, this.length);
    }
    if (this.strings) head.strings = this.strings.splice(0, count);
    this.length -= count;
    return head;
  }
}

/**
 * Events recorded between two flushes, column by column. Batches are cut from the oldest
 * segment first, so `flush()` can tell when everything recorded before it was settled.
 */
export class Segment {
  /** Events held (not yet cut into a batch). */
  events = 0;
  /** No more events go into a sealed segment. */
  sealed = false;
  private readonly byName = new Map<string, Column[]>();
  /** Columns in the order they were created: batches take them front first. */
  private order: Column[] = [];

  constructor(readonly id: number) {}

  find(
    name: string,
    type: TabTypeName,
    kind: ValueKind,
    bounds: readonly number[] | undefined,
  ): Column | undefined {
    const candidates = this.byName.get(name);
    if (candidates === undefined) return undefined;
    for (const column of candidates) {
      if (column.type === type && column.kind === kind && sameBounds(column.bounds, bounds)) {
        return column;
      }
    }
    return undefined;
  }

  add(column: Column): void {
    const candidates = this.byName.get(column.name);
    if (candidates) candidates.push(column);
    else this.byName.set(column.name, [column]);
    this.order.push(column);
  }

  /** Removes up to `max` events, whole columns first, splitting the last one if needed. */
  cut(max: number): Column[] {
    const taken: Column[] = [];
    let room = max;
    let whole = 0;
    for (const column of this.order) {
      if (room === 0) break;
      if (column.length <= room) {
        taken.push(column);
        room -= column.length;
        whole += 1;
        this.forget(column);
      } else {
        taken.push(column.splitOff(room));
        room = 0;
      }
    }
    this.order = this.order.slice(whole);
    this.events -= max - room;
    return taken;
  }

  private forget(column: Column): void {
    const candidates = this.byName.get(column.name);
    if (candidates === undefined) return;
    const rest = candidates.filter(candidate => candidate !== column);
    if (rest.length === 0) this.byName.delete(column.name);
    else this.byName.set(column.name, rest);
  }
}
