// What the Tab and super-aggregate views draw from a DETAIL render (docs/handlers.md): headline
// figures, plots and tables, chosen by the render's shape. Pure: no DOM, unit-tested.

export const WINDOWS = ['1m', '10m', '1h', '1d'] as const;
export type Window = (typeof WINDOWS)[number];

export const WINDOW_SECONDS: Readonly<Record<Window, number>> = {
  '1m': 60,
  '10m': 600,
  '1h': 3600,
  '1d': 86_400,
};

export const PLOTTED_PERCENTILES = ['p50', 'p90', 'p99', 'p99.9'] as const;

/** One line of a chart: x in epoch seconds. */
export interface LineSeries {
  readonly label: string;
  readonly points: readonly (readonly [number, number])[];
}

export type Plot =
  | {
      readonly kind: 'lines';
      readonly title: string;
      readonly series: readonly LineSeries[];
      /** The window's length: the time axis spans it, ending now. */
      readonly spanSeconds: number;
    }
  | {
      readonly kind: 'bars';
      readonly title: string;
      readonly labels: readonly string[];
      readonly values: readonly number[];
    };

export interface Figure {
  readonly label: string;
  readonly value: number | string;
}

export interface Table {
  readonly title: string;
  readonly columns: readonly string[];
  readonly rows: readonly (readonly (number | string)[])[];
}

export interface RenderView {
  /** What the shape says the Tab is, e.g. 'counter', 'percentiles'. */
  readonly shape: string;
  readonly figures: readonly Figure[];
  readonly plots: readonly Plot[];
  readonly tables: readonly Table[];
}

type Json = Readonly<Record<string, unknown>>;

function isObject(value: unknown): value is Json {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function numberAt(value: unknown, key: string): number | undefined {
  if (!isObject(value)) return undefined;
  const found = value[key];
  return typeof found === 'number' ? found : undefined;
}

function rowsOf(value: unknown): readonly unknown[][] {
  return Array.isArray(value) ? value.filter((row): row is unknown[] => Array.isArray(row)) : [];
}

/** The `series` (or `percentileSeries`) rows of `window`, oldest first. */
function seriesRows(render: Json, key: string, window: Window): readonly unknown[][] {
  const all = render[key];
  return isObject(all) ? rowsOf(all[window]) : [];
}

function column(rows: readonly unknown[][], x: number, pick: (row: unknown[]) => unknown) {
  const points: [number, number][] = [];
  for (const row of rows) {
    const start = row[x];
    const value = pick(row);
    if (typeof start === 'number' && typeof value === 'number') points.push([start, value]);
  }
  return points;
}

function sum(values: unknown): number | undefined {
  if (!Array.isArray(values)) return undefined;
  return values.reduce<number>((total, n) => total + (typeof n === 'number' ? n : 0), 0);
}

function counterView(render: Json, window: Window): RenderView {
  const stats = render[window];
  const rows = seriesRows(render, 'series', window);
  const percentiles = isObject(stats) ? stats.percentiles : undefined;
  const figures: Figure[] = [
    { label: 'count', value: numberAt(stats, 'count') ?? 0 },
    { label: 'total', value: numberAt(stats, 'total') ?? 0 },
  ];
  const average = numberAt(stats, 'average');
  if (average !== undefined) figures.push({ label: 'average', value: average });
  const plots: Plot[] = [
    {
      kind: 'lines',
      spanSeconds: WINDOW_SECONDS[window],
      title: `count per bucket (${window})`,
      series: [{ label: 'count', points: column(rows, 0, row => row[1]) }],
    },
    {
      kind: 'lines',
      spanSeconds: WINDOW_SECONDS[window],
      title: `total per bucket (${window})`,
      series: [{ label: 'total', points: column(rows, 0, row => row[2]) }],
    },
  ];
  if (isObject(percentiles)) {
    for (const name of PLOTTED_PERCENTILES) {
      figures.push({ label: name, value: numberAt(percentiles, name) ?? 0 });
    }
    const sketches = seriesRows(render, 'percentileSeries', window);
    plots.push({
      kind: 'lines',
      spanSeconds: WINDOW_SECONDS[window],
      title: `percentiles per bucket (${window})`,
      series: PLOTTED_PERCENTILES.map(name => ({
        label: name,
        points: column(sketches, 0, row => numberAt(row[2], name)),
      })),
    });
  }
  return { shape: isObject(percentiles) ? 'percentiles' : 'counter', figures, plots, tables: [] };
}

function histogramView(render: Json, window: Window): RenderView {
  const bounds = Array.isArray(render.bounds) ? render.bounds : [];
  const stats = render[window];
  const counts = isObject(stats) && Array.isArray(stats.counts) ? stats.counts : [];
  const labels = [...bounds.map(bound => `≤ ${String(bound)}`), '+Inf'];
  const rows = seriesRows(render, 'series', window);
  return {
    shape: 'histogram',
    figures: [
      { label: 'count', value: numberAt(stats, 'count') ?? 0 },
      { label: 'sum', value: numberAt(stats, 'sum') ?? 0 },
    ],
    plots: [
      {
        kind: 'bars',
        title: `events per bucket bound (${window})`,
        labels,
        values: labels.map((_, i) => (typeof counts[i] === 'number' ? counts[i] : 0)),
      },
      {
        kind: 'lines',
        spanSeconds: WINDOW_SECONDS[window],
        title: `count per time bucket (${window})`,
        series: [{ label: 'count', points: column(rows, 0, row => sum(row[1])) }],
      },
    ],
    tables: [],
  };
}

function uniqueView(render: Json, window: Window): RenderView {
  const rows = seriesRows(render, 'series', window);
  return {
    shape: 'unique',
    figures: [{ label: 'distinct', value: numberAt(render[window], 'distinct') ?? 0 }],
    plots: [
      {
        kind: 'lines',
        spanSeconds: WINDOW_SECONDS[window],
        title: `distinct per bucket (${window})`,
        series: [{ label: 'distinct', points: column(rows, 0, row => row[1]) }],
      },
    ],
    tables: [],
  };
}

function gaugeView(values: Json, clients: unknown): RenderView {
  const byValue = Object.entries(values).sort((a, b) => Number(b[1]) - Number(a[1]));
  const tables: Table[] = [
    {
      title: 'value → clients reporting it',
      columns: ['value', 'clients'],
      rows: byValue.map(([value, count]) => [value, typeof count === 'number' ? count : 0]),
    },
  ];
  if (isObject(clients)) {
    tables.push({
      title: 'client → value',
      columns: ['client', 'value', 'timestamp', 'expires'],
      rows: Object.entries(clients).map(([client, entry]) => [
        client,
        isObject(entry) ? String(entry.value) : '',
        numberAt(entry, 'timestamp') ?? '',
        numberAt(entry, 'expires') ?? '',
      ]),
    });
  }
  return {
    shape: 'gauge',
    figures: [{ label: 'values', value: byValue.length }],
    plots: [],
    tables,
  };
}

/** Buffer entries shown at most (a Buffer keeps up to 1,000). */
export const SHOWN_BUFFER_ENTRIES = 50;

function bufferView(values: readonly unknown[][]): RenderView {
  return {
    shape: 'buffer',
    figures: [{ label: 'entries', value: values.length }],
    plots: [],
    tables: [
      {
        title: 'latest entries (newest first)',
        columns: ['value', 'timestamp'],
        rows: values
          .slice(0, SHOWN_BUFFER_ENTRIES)
          .map(([value, timestamp]) => [
            String(value),
            typeof timestamp === 'number' ? timestamp : '',
          ]),
      },
    ],
  };
}

/** The figures, plots and tables of a render (DETAIL or JSON) over `window`. */
export function renderView(render: unknown, window: Window): RenderView {
  if (!isObject(render)) return { shape: 'unknown', figures: [], plots: [], tables: [] };
  if (Array.isArray(render.values)) return bufferView(rowsOf(render.values));
  if (isObject(render.values)) return gaugeView(render.values, render.clients);
  if (Array.isArray(render.bounds)) return histogramView(render, window);
  if (numberAt(render[window], 'distinct') !== undefined) return uniqueView(render, window);
  if (isObject(render[window])) return counterView(render, window);
  const count = numberAt(render, 'count');
  if (count !== undefined) {
    // TotalsCounter: one lifetime figure, no windows.
    const figures = ['count', 'total', 'average'].map(label => ({
      label,
      value: numberAt(render, label) ?? 0,
    }));
    return { shape: 'totals', figures, plots: [], tables: [] };
  }
  return { shape: 'unknown', figures: [], plots: [], tables: [] };
}

/**
 * The one number the Tabs list shows for a render: the last minute's events (distinct values
 * for a Unique), the clients reporting a Gauge, the entries of a Buffer, a TotalsCounter's count.
 */
export function lastMinuteCount(render: unknown): number | undefined {
  if (!isObject(render)) return undefined;
  const minute = render['1m'];
  const windowed = numberAt(minute, 'count') ?? numberAt(minute, 'distinct');
  if (windowed !== undefined) return windowed;
  if (Array.isArray(render.values)) return render.values.length;
  if (isObject(render.values)) return sum(Object.values(render.values));
  return numberAt(render, 'count');
}

/** Flattens a projection render over `window` into `path → number | string` cells. */
function cellsOf(render: unknown, window: Window): Map<string, number | string> {
  const cells = new Map<string, number | string>();
  if (!isObject(render)) return cells;
  const windowed = render[window];
  const source = isObject(windowed) ? windowed : render;
  const visit = (value: unknown, path: string) => {
    if (typeof value === 'number' || typeof value === 'string') cells.set(path, value);
    else if (isObject(value)) {
      for (const [key, inner] of Object.entries(value)) visit(inner, path ? `${path}.${key}` : key);
    } else if (Array.isArray(value)) cells.set(path, `${value.length} items`);
  };
  for (const [key, value] of Object.entries(source)) {
    if (key === 'series' || key === 'percentileSeries' || key === 'entries') continue;
    if (isObject(windowed) && (WINDOWS as readonly string[]).includes(key)) continue;
    visit(value, key);
  }
  return cells;
}

/** One row per client of a projection (`{"<client>": <render>}`), columns in first-seen order. */
export function projectionTable(byClient: unknown, window: Window): Table {
  const perClient = isObject(byClient) ? Object.entries(byClient) : [];
  const cells = perClient.map(([client, render]) => [client, cellsOf(render, window)] as const);
  const columns: string[] = [];
  for (const [, row] of cells) {
    for (const key of row.keys()) if (!columns.includes(key)) columns.push(key);
  }
  return {
    title: `per client (${window})`,
    columns: ['client', ...columns],
    rows: cells.map(([client, row]) => [client, ...columns.map(key => row.get(key) ?? '')]),
  };
}

/** Rows sorted by `column` (numbers numerically, then text), ascending or not; a copy. */
export function sortRows<R extends readonly (number | string)[]>(
  rows: readonly R[],
  column: number,
  ascending: boolean,
): R[] {
  const sign = ascending ? 1 : -1;
  return [...rows].sort((a, b) => {
    const x = a[column] ?? '';
    const y = b[column] ?? '';
    if (typeof x === 'number' && typeof y === 'number') return sign * (x - y);
    return sign * String(x).localeCompare(String(y));
  });
}
