import type { EventColumns } from './columns.js';
import { valueAt } from './columns.js';
import type { FoldContext, HandlerContext, RenderJson, RenderView, TabHandler } from './handler.js';
import type { TabTypeName } from './tab-types.js';
import { compareValues } from './value-order.js';

/** A client's latest value. */
export interface GaugeEntry {
  readonly value: number | string;
  /** Epoch seconds of the event. */
  readonly timestamp: number;
  /** Epoch seconds after which the value no longer counts. */
  readonly expires: number;
}

/** Client ID → that client's latest entry. A per-client State holds one entry. */
export type GaugeState = Map<string, GaugeEntry>;

/** Newer event wins; equal timestamps are settled by expiry, then by value, in any merge order. */
function newer(a: GaugeEntry, b: GaugeEntry): boolean {
  if (a.timestamp !== b.timestamp) return a.timestamp > b.timestamp;
  if (a.expires !== b.expires) return a.expires > b.expires;
  return compareValues(a.value, b.value) > 0;
}

function keepLatest(state: GaugeState, clientId: string, entry: GaugeEntry): void {
  const current = state.get(clientId);
  if (!current || newer(entry, current)) state.set(clientId, entry);
}

/**
 * Gauge (value expires gaugeTtlSeconds after its event) and ExpiryGauge (the caller's
 * expiry): the latest value per client. Aggregate: value → number of clients whose
 * latest value it is and has not expired. Projection: the client's value.
 */
export class GaugeHandler implements TabHandler<GaugeState> {
  readonly values = 'any';
  readonly needsExpiry: boolean;

  constructor(
    readonly type: Extract<TabTypeName, 'GAUGE' | 'EXPIRY_GAUGE'>,
    private readonly context: HandlerContext,
  ) {
    this.needsExpiry = type === 'EXPIRY_GAUGE';
  }

  create(): GaugeState {
    return new Map();
  }

  fold(state: GaugeState, columns: EventColumns, fold: FoldContext): GaugeState {
    const ttl = this.context.settings.gaugeTtlSeconds;
    for (let s = 0; s < columns.selection.length; s += 1) {
      const i = columns.selection[s] ?? 0;
      const timestamp = columns.timestamps[i] ?? 0;
      const expires = this.needsExpiry ? (columns.expiries[i] ?? 0) : timestamp + ttl;
      keepLatest(state, fold.clientId, { value: valueAt(columns, i), timestamp, expires });
    }
    return state;
  }

  merge(into: GaugeState, from: GaugeState): GaugeState {
    for (const [clientId, entry] of from) keepLatest(into, clientId, entry);
    return into;
  }

  prune(state: GaugeState): boolean {
    const now = this.context.clock.nowSeconds();
    for (const [clientId, entry] of state) {
      if (entry.expires <= now) state.delete(clientId);
    }
    return state.size === 0;
  }

  render(state: GaugeState, view: RenderView): RenderJson {
    const now = this.context.clock.nowSeconds();
    const live = [...state.entries()].filter(([, entry]) => entry.expires > now);
    if (view === 'projection') {
      const latest = live
        .map(([, entry]) => entry)
        .reduce<GaugeEntry | undefined>(
          (best, entry) => (best === undefined || newer(entry, best) ? entry : best),
          undefined,
        );
      return latest
        ? { value: latest.value, timestamp: latest.timestamp, expires: latest.expires }
        : { value: null, timestamp: null, expires: null };
    }
    const values: Record<string, number> = {};
    for (const [, entry] of live) {
      const key = String(entry.value);
      values[key] = (values[key] ?? 0) + 1;
    }
    return { values };
  }

  renderDetail(state: GaugeState, view: RenderView): RenderJson {
    const now = this.context.clock.nowSeconds();
    const clients: Record<string, GaugeEntry> = {};
    for (const [clientId, entry] of [...state.entries()].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
      if (entry.expires > now) clients[clientId] = { ...entry };
    }
    return { ...this.render(state, view), clients };
  }
}
