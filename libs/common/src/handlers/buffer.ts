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
    for (let s = 0; s < columns.selection.length; s += 1) {
      const i = columns.selection[s] ?? 0;
      state.entries.push({
        value: valueAt(columns, i),
        timestamp: columns.timestamps[i] ?? 0,
        expires: columns.expiries[i] ?? 0,
      });
    }
    this.trim(state);
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

  private trim(state: BufferState): void {
    state.entries.sort(newestFirst);
    if (state.entries.length > this.context.settings.bufferCapacity) {
      state.entries.length = this.context.settings.bufferCapacity;
    }
  }
}
