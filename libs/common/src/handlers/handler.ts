import type { Clock } from './clock.js';
import type { EventColumns } from './columns.js';
import type { TabTypeName } from './tab-types.js';

/** Per-Tab parameters fixed with the Tab's type (today: histogram bounds). */
export interface TabParams {
  /** HISTOGRAM: strictly increasing upper bounds; the +Inf bucket is implied. */
  readonly bounds?: readonly number[];
}

/** Settings every handler may read; all have documented defaults. */
export interface HandlerSettings {
  /** Lifetime of a GAUGE value after its event, seconds. @default 172800 (48h) */
  readonly gaugeTtlSeconds: number;
  /** Entries a BUFFER keeps. @default 1000 */
  readonly bufferCapacity: number;
}

export const DEFAULT_HANDLER_SETTINGS: HandlerSettings = {
  gaugeTtlSeconds: 172_800,
  bufferCapacity: 1000,
};

export interface HandlerContext {
  readonly clock: Clock;
  readonly settings: HandlerSettings;
}

/** Who a fold is for: per-client types (gauges) key their entries by it. */
export interface FoldContext {
  readonly clientId: string;
}

/**
 * Aggregate: the merge over clients (gauge → value histogram). Projection: one client's
 * State (gauge → its latest value).
 */
export type RenderView = 'aggregate' | 'projection';

/** JSON-compatible output of a render. */
export type RenderJson = { readonly [key: string]: unknown };

/**
 * The pure maths of one Tab type. A Delta and a State have the same shape: `create`
 * makes an empty one, `fold` adds events to it, `merge` adds another into it. Merging
 * is associative and commutative, so Deltas folded by any split of the events, merged
 * in any order, give the same State. Nothing here does I/O; "now" comes from the
 * injected clock.
 */
export interface TabHandler<S> {
  readonly type: TabTypeName;
  /** What event values must be. */
  readonly values: 'number' | 'string' | 'any';
  /** Whether every event needs an expiry. */
  readonly needsExpiry: boolean;
  create(params: TabParams): S;
  /** Adds the selected events; mutates and returns `state`. */
  fold(state: S, columns: EventColumns, context: FoldContext): S;
  /** Adds `from` into `into` (mutates `into` only; `from` stays usable). */
  merge(into: S, from: S): S;
  /** Drops what has expired or left every window; true when nothing is left. */
  prune(state: S): boolean;
  /** The JSON render (the documented contract per type). */
  render(state: S, view: RenderView): RenderJson;
  /** The JSON render plus the per-bucket series of every window. */
  renderDetail(state: S, view: RenderView): RenderJson;
}

/** A handler whose State type is not known statically (the registry's view). */
// biome-ignore lint/suspicious/noExplicitAny: the registry erases each handler's State type.
export type AnyTabHandler = TabHandler<any>;
