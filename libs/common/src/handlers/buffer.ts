import type { EventColumns } from './columns.js';
import { valueAt } from './columns.js';
import type { HandlerContext, RenderJson, TabHandler } from './handler.js';
import { compareValues } from './value-order.js';

export interface BufferEntry {
  readonly value: number | string;
  readonly timestamp: number;
  readonly expires: number;
}

/** Entries newest first, at most bufferCapacity of them. */
export interface BufferState {
  entries: BufferEntry[];
}

/** Events of one fold put in one by one; more are appended and the whole buffer sorted once. */
const INSERT_AT_MOST = 16;

/** Newest first; ties by later expiry, then by value: a total order, so top-N is merge-order free. */
function newestFirst(a: BufferEntry, b: BufferEntry): number {
  if (a.timestamp !== b.timestamp) return b.timestamp - a.timestamp;
  if (a.expires !== b.expires) return b.expires - a.expires;
  return -compareValues(a.value, b.value);
}

/**
 * Buffer: the newest bufferCapacity (1000) values with their timestamps, each until
 * its expiry. Keeping the newest N of a union is associative and commutative.
 */
export class BufferHandler implements TabHandler<BufferState> {
  readonly type = 'BUFFER';
  readonly values = 'any';
  readonly needsExpiry = true;

  constructor(private readonly context: HandlerContext) {}

  create(): BufferState {
    return { entries: [] };
  }

  fold(state: BufferState, columns: EventColumns): BufferState {
    const { selection } = columns;
    // A few events (a batch of many small columns of one Tab folds them one column at a
    // time) go in by binary search: sorting the whole buffer for each would cost
    // capacity × log(capacity) per column.
    const insertEach = selection.length <= INSERT_AT_MOST;
    for (let s = 0; s < selection.length; s += 1) {
      const i = selection[s] ?? 0;
      const entry = {
        value: valueAt(columns, i),
        timestamp: columns.timestamps[i] ?? 0,
        expires: columns.expiries[i] ?? 0,
      };
      if (insertEach) this.insert(state.entries, entry);
      else state.entries.push(entry);
    }
    if (!insertEach) this.trim(state);
    return state;
  }

  merge(into: BufferState, from: BufferState): BufferState {
    into.entries.push(...from.entries);
    this.trim(into);
    return into;
  }

  prune(state: BufferState): boolean {
    const now = this.context.clock.nowSeconds();
    state.entries = state.entries.filter(entry => entry.expires > now);
    return state.entries.length === 0;
  }

  render(state: BufferState): RenderJson {
    const now = this.context.clock.nowSeconds();
    return {
      values: state.entries
        .filter(entry => entry.expires > now)
        .map(entry => [entry.value, entry.timestamp]),
    };
  }

  renderDetail(state: BufferState): RenderJson {
    const now = this.context.clock.nowSeconds();
    return {
      ...this.render(state),
      entries: state.entries
        .filter(entry => entry.expires > now)
        .map(entry => [entry.value, entry.timestamp, entry.expires]),
    };
  }

  /** Puts one entry in its place in the sorted entries, keeping at most bufferCapacity. */
  private insert(entries: BufferEntry[], entry: BufferEntry): void {
    const capacity = this.context.settings.bufferCapacity;
    let low = 0;
    let high = entries.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (newestFirst(entries[middle] as BufferEntry, entry) <= 0) low = middle + 1;
      else high = middle;
    }
    if (low >= capacity) return;
    entries.splice(low, 0, entry);
    if (entries.length > capacity) entries.length = capacity;
  }

  private trim(state: BufferState): void {
    state.entries.sort(newestFirst);
    if (state.entries.length > this.context.settings.bufferCapacity) {
      state.entries.length = this.context.settings.bufferCapacity;
    }
  }
}
