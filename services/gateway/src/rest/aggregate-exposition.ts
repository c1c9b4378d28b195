import { TabaError } from '@taba/common';

/**
 * The Aggregates of the selected Tabs in the Prometheus text exposition format (0.0.4), for
 * `GET /v1/metrics`: what Prometheus or Grafana Agent scrape. One family per (type, figure),
 * the Tab as the `tab` label, so any Tab name is a valid series (names are labels, not metric
 * names). The mapping is documented in docs/observability.md ("Aggregates as Prometheus
 * metrics"); Buffer Tabs have no numeric series and are left out. Pure: unit-tested.
 */

/** One rendered Tab, as GetAggregates answers it (JSON render, docs/handlers.md). */
export interface RenderedAggregate {
  readonly name: string;
  readonly type: string;
  readonly body: string;
}

type Labels = readonly (readonly [string, string])[];

interface Family {
  readonly help: string;
  readonly type: 'gauge' | 'summary' | 'histogram';
  readonly lines: string[];
}

/** Families in the order they are written. */
const FAMILIES = {
  taba_counter_group_count: ['gauge', 'CounterGroup: events counted, per window'],
  taba_counter_group_total: ['gauge', 'CounterGroup: sum of the values, per window'],
  taba_counter_group_average: ['gauge', 'CounterGroup: average value, per window'],
  taba_counter_group_lifetime: [
    'summary',
    'CounterGroup: percentiles of every value since the Tab began (sum and count: lifetime)',
  ],
  taba_percentile_group: ['summary', 'PercentileGroup: percentiles, sum and count per window'],
  taba_totals_counter_count: ['gauge', 'TotalsCounter: events counted since the Tab began'],
  taba_totals_counter_total: ['gauge', 'TotalsCounter: sum of the values since the Tab began'],
  taba_totals_counter_average: ['gauge', 'TotalsCounter: average value since the Tab began'],
  taba_histogram: ['histogram', 'Histogram: cumulative counts per bound, per window'],
  taba_gauge_clients: ['gauge', 'Gauge and ExpiryGauge: clients whose live value is `value`'],
  taba_unique_distinct: ['gauge', 'Unique: distinct values, per window'],
} as const satisfies Record<string, readonly [Family['type'], string]>;

type FamilyName = keyof typeof FAMILIES;

/** Prometheus's quantile for a render's percentile key: `p99.9` → `0.999`. */
function quantileOf(key: string): string {
  // toPrecision: 99.9 / 100 is 0.9990000000000001 in binary floating point.
  return String(Number((Number(key.slice(1)) / 100).toPrecision(12)));
}

/** A sample value as the format writes it (`NaN`, `+Inf`, `-Inf` for the non-finite). */
function formatValue(value: unknown): string {
  const number = Number(value);
  if (Number.isNaN(number)) return 'NaN';
  if (number === Number.POSITIVE_INFINITY) return '+Inf';
  if (number === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(number);
}

/** A label value escaped as the format requires: backslash, double quote, line feed. */
function escapeLabel(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function labelText(labels: Labels): string {
  return `{${labels.map(([key, value]) => `${key}="${escapeLabel(value)}"`).join(',')}}`;
}

type Json = Record<string, unknown>;

function objectAt(value: unknown, key: string): Json | undefined {
  const inner = (value as Json | undefined)?.[key];
  return inner !== null && typeof inner === 'object' && !Array.isArray(inner)
    ? (inner as Json)
    : undefined;
}

/** The windows of a windowed render, in its own order (`1m`, `10m`, `1h`, `1d`, `lifetime`). */
function windowsOf(render: Json): [string, Json][] {
  const windows: [string, Json][] = [];
  for (const key of Object.keys(render)) {
    const window = objectAt(render, key);
    if (window && key !== 'bounds') windows.push([key, window]);
  }
  return windows;
}

class ExpositionWriter {
  private readonly families = new Map<FamilyName, string[]>();

  sample(family: FamilyName, suffix: string, labels: Labels, value: unknown): void {
    let lines = this.families.get(family);
    if (!lines) {
      lines = [];
      this.families.set(family, lines);
    }
    lines.push(`${family}${suffix}${labelText(labels)} ${formatValue(value)}`);
  }

  text(): string {
    let out = '';
    for (const [name, [type, help]] of Object.entries(FAMILIES) as [
      FamilyName,
      readonly [string, string],
    ][]) {
      const lines = this.families.get(name);
      if (!lines) continue;
      out += `# HELP ${name} ${help}\n# TYPE ${name} ${type}\n${lines.join('\n')}\n`;
    }
    return out;
  }
}

function percentiles(
  out: ExpositionWriter,
  family: FamilyName,
  labels: Labels,
  window: Json,
): void {
  for (const [key, value] of Object.entries(objectAt(window, 'percentiles') ?? {})) {
    out.sample(family, '', [...labels, ['quantile', quantileOf(key)]], value);
  }
  out.sample(family, '_sum', labels, window.total);
  out.sample(family, '_count', labels, window.count);
}

function counterGroup(out: ExpositionWriter, tab: Labels, render: Json): void {
  for (const [name, window] of windowsOf(render)) {
    const labels: Labels = [...tab, ['window', name]];
    out.sample('taba_counter_group_count', '', labels, window.count);
    out.sample('taba_counter_group_total', '', labels, window.total);
    out.sample('taba_counter_group_average', '', labels, window.average);
  }
  const lifetime = objectAt(render, 'lifetime');
  if (lifetime) percentiles(out, 'taba_counter_group_lifetime', tab, lifetime);
}

function histogram(out: ExpositionWriter, tab: Labels, render: Json): void {
  const bounds = Array.isArray(render.bounds) ? render.bounds.map(Number) : [];
  for (const [name, window] of windowsOf(render)) {
    const labels: Labels = [...tab, ['window', name]];
    const cumulative = Array.isArray(window.cumulative) ? window.cumulative : [];
    cumulative.forEach((count, slot) => {
      const le = slot < bounds.length ? formatValue(bounds[slot]) : '+Inf';
      out.sample('taba_histogram', '_bucket', [...labels, ['le', le]], count);
    });
    out.sample('taba_histogram', '_sum', labels, window.sum);
    out.sample('taba_histogram', '_count', labels, window.count);
  }
}

function addTab(out: ExpositionWriter, tab: RenderedAggregate): void {
  let render: Json;
  try {
    render = JSON.parse(tab.body) as Json;
  } catch (error) {
    throw new TabaError('INTERNAL', 'BAD_RENDER', `the render of Tab ${tab.name} is not JSON`, {
      cause: error,
    });
  }
  const labels: Labels = [['tab', tab.name]];
  switch (tab.type) {
    case 'COUNTER_GROUP':
      counterGroup(out, labels, render);
      return;
    case 'PERCENTILE_GROUP':
      for (const [name, window] of windowsOf(render))
        percentiles(out, 'taba_percentile_group', [...labels, ['window', name]], window);
      return;
    case 'TOTALS_COUNTER':
      out.sample('taba_totals_counter_count', '', labels, render.count);
      out.sample('taba_totals_counter_total', '', labels, render.total);
      out.sample('taba_totals_counter_average', '', labels, render.average);
      return;
    case 'HISTOGRAM':
      histogram(out, labels, render);
      return;
    case 'GAUGE':
    case 'EXPIRY_GAUGE':
      for (const [value, clients] of Object.entries(objectAt(render, 'values') ?? {}))
        out.sample('taba_gauge_clients', '', [...labels, ['value', value]], clients);
      return;
    case 'UNIQUE':
      for (const [name, window] of windowsOf(render))
        out.sample('taba_unique_distinct', '', [...labels, ['window', name]], window.distinct);
      return;
    default:
      // BUFFER: its values are entries, not a figure; nothing to expose.
      return;
  }
}

/** The exposition of `tabs`, families in a fixed order, samples in the Tabs' order. */
export function aggregatesExposition(tabs: readonly RenderedAggregate[]): string {
  const out = new ExpositionWriter();
  for (const tab of tabs) addTab(out, tab);
  return out.text();
}
