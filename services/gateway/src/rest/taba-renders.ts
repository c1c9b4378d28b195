import type { TabType__Output } from '../contract.js';

/**
 * Our JSON renders (docs/handlers.md) in the shapes Taba's handlers printed, for the paths of
 * Taba's own API (docs/taba-compatibility.md). Pure; a render that is not the expected shape
 * is passed through unchanged.
 */

/** Taba's percentiles, in its order: p25, p50, p75, p90, p95, p99, p99.9. */
const PERCENTILES = ['p25', 'p50', 'p75', 'p90', 'p95', 'p99', 'p99.9'] as const;
const WINDOWS = ['1m', '10m', '1h', '1d'] as const;

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** `{"p25": …, …}` → `[p25, p50, p75, p90, p95, p99, p99.9]`. */
function percentileList(percentiles: unknown): unknown[] {
  const values = isObject(percentiles) ? percentiles : {};
  return PERCENTILES.map(key => values[key] ?? 0);
}

/** CounterGroup: the four windows as they are, and `lifetime` as Taba's `pct` section. */
function counterGroup(render: Json): Json {
  const out: Json = {};
  for (const window of WINDOWS) if (window in render) out[window] = render[window];
  const lifetime = isObject(render.lifetime) ? render.lifetime : {};
  out.pct = {
    count: lifetime.count ?? 0,
    total: lifetime.total ?? 0,
    pct: percentileList(lifetime.percentiles),
  };
  return out;
}

/** PercentileGroup: each window's `{count, total, pct: [7]}`. */
function percentileGroup(render: Json): Json {
  const out: Json = {};
  for (const window of WINDOWS) {
    const section = render[window];
    if (!isObject(section)) continue;
    out[window] = {
      count: section.count ?? 0,
      total: section.total ?? 0,
      pct: percentileList(section.percentiles),
    };
  }
  return out;
}

/** A Gauge projection `{value, timestamp, expires}`: Taba's histogram of its one client. */
function gaugeProjection(render: Json): Json {
  const out: Json = Object.create(null) as Json;
  if (render.value !== null && render.value !== undefined) out[String(render.value)] = 1;
  return out;
}

/** Taba's render of an Aggregate (or a super-aggregate) of `type`, from our JSON render. */
export function tabaAggregate(type: TabType__Output | number, render: unknown): unknown {
  if (!isObject(render)) return render;
  switch (type) {
    case 'COUNTER_GROUP':
      return counterGroup(render);
    case 'PERCENTILE_GROUP':
      return percentileGroup(render);
    case 'GAUGE':
    case 'EXPIRY_GAUGE':
      return isObject(render.values) ? render.values : render;
    case 'BUFFER':
      return Array.isArray(render.values) ? render.values : render;
    default:
      return render;
  }
}

/** Taba's render of one client's State of `type` (a projection), from our JSON render. */
export function tabaProjection(type: TabType__Output | number, render: unknown): unknown {
  if ((type === 'GAUGE' || type === 'EXPIRY_GAUGE') && isObject(render) && 'value' in render) {
    return gaugeProjection(render);
  }
  return tabaAggregate(type, render);
}
