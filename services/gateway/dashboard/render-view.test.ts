import { describe, expect, it } from 'vitest';
import { lastMinuteCount, projectionTable, renderView, sortRows } from './render-view.js';

// Renders as the query service answers them (GET /v1/tabs?detail=1), trimmed.
const COUNTER = {
  '1m': { count: 2, total: 3, average: 1.5 },
  '10m': { count: 5, total: 9, average: 1.8 },
  lifetime: { count: 5, total: 9, average: 1.8, percentiles: { p50: 1 } },
  series: {
    '1m': [[100, 2, 3]],
    '10m': [
      [0, 3, 6],
      [60, 2, 3],
    ],
  },
};
const PERCENTILES = {
  '1m': {
    count: 1,
    total: 0.5,
    percentiles: { p25: 0.5, p50: 0.5, p90: 0.7, p99: 0.9, 'p99.9': 1 },
  },
  series: { '1m': [[100, 1, 0.5]] },
  percentileSeries: { '1m': [[100, 1, { p50: 0.5, p90: 0.7, p99: 0.9, 'p99.9': 1 }]] },
};
const HISTOGRAM = {
  bounds: [0.1, 0.5],
  '1m': { counts: [0, 2, 1], cumulative: [0, 2, 3], count: 3, sum: 1.9 },
  series: { '1m': [[100, [0, 2, 1], 1.9]] },
};

describe('renderView', () => {
  it('plots a CounterGroup: count and total per bucket of the chosen window', () => {
    const view = renderView(COUNTER, '10m');
    expect(view.shape).toBe('counter');
    expect(view.figures).toEqual([
      { label: 'count', value: 5 },
      { label: 'total', value: 9 },
      { label: 'average', value: 1.8 },
    ]);
    expect(view.plots.map(plot => plot.kind === 'lines' && plot.series[0]?.points)).toEqual([
      [
        [0, 3],
        [60, 2],
      ],
      [
        [0, 6],
        [60, 3],
      ],
    ]);
  });

  it('adds the p50, p90, p99 and p99.9 lines of a PercentileGroup', () => {
    const view = renderView(PERCENTILES, '1m');
    expect(view.shape).toBe('percentiles');
    expect(view.figures.map(figure => figure.label)).toEqual([
      'count',
      'total',
      'p50',
      'p90',
      'p99',
      'p99.9',
    ]);
    const lines = view.plots[2];
    if (lines?.kind !== 'lines') throw new Error('no percentile plot');
    expect(lines.series.map(line => [line.label, line.points])).toEqual([
      ['p50', [[100, 0.5]]],
      ['p90', [[100, 0.7]]],
      ['p99', [[100, 0.9]]],
      ['p99.9', [[100, 1]]],
    ]);
  });

  it('draws a Histogram as bars per bound and +Inf', () => {
    const view = renderView(HISTOGRAM, '1m');
    expect(view.plots[0]).toEqual({
      kind: 'bars',
      title: 'events per bucket bound (1m)',
      labels: ['≤ 0.1', '≤ 0.5', '+Inf'],
      values: [0, 2, 1],
    });
    const perTime = view.plots[1];
    expect(perTime?.kind === 'lines' && perTime.series[0]?.points).toEqual([[100, 3]]);
  });

  it('shows distinct counts, gauge values, buffer entries and totals', () => {
    const unique = renderView({ '1m': { distinct: 4 }, series: { '1m': [[100, 4]] } }, '1m');
    expect(unique.figures).toEqual([{ label: 'distinct', value: 4 }]);
    const gauge = renderView(
      { values: { a: 1, b: 2 }, clients: { c1: { value: 'a', timestamp: 5, expires: 9 } } },
      '1m',
    );
    expect(gauge.tables[0]?.rows).toEqual([
      ['b', 2],
      ['a', 1],
    ]);
    expect(gauge.tables[1]?.rows).toEqual([['c1', 'a', 5, 9]]);
    const buffer = renderView(
      {
        values: [
          ['e2', 7],
          ['e1', 6],
        ],
      },
      '1m',
    );
    expect(buffer.tables[0]?.rows).toEqual([
      ['e2', 7],
      ['e1', 6],
    ]);
    expect(renderView({ count: 1, total: 4, average: 4 }, '1m').shape).toBe('totals');
    expect(renderView('nonsense', '1m').shape).toBe('unknown');
  });
});

describe('lastMinuteCount', () => {
  it('is the number the Tabs list shows for each type', () => {
    expect(lastMinuteCount(COUNTER)).toBe(2);
    expect(lastMinuteCount({ '1m': { distinct: 3 } })).toBe(3);
    expect(lastMinuteCount({ values: { a: 1, b: 2 } })).toBe(3);
    expect(lastMinuteCount({ values: [['x', 1]] })).toBe(1);
    expect(lastMinuteCount({ count: 6, total: 1 })).toBe(6);
    expect(lastMinuteCount(undefined)).toBeUndefined();
  });
});

describe('projectionTable', () => {
  it('makes one row per client over the window, without the series', () => {
    const table = projectionTable({ c1: COUNTER, c2: { '1m': { count: 7, total: 1 } } }, '1m');
    expect(table.columns).toEqual(['client', 'count', 'total', 'average']);
    expect(table.rows).toEqual([
      ['c1', 2, 3, 1.5],
      ['c2', 7, 1, ''],
    ]);
  });

  it('flattens renders without windows (Gauge projections)', () => {
    const table = projectionTable({ c1: { value: 'on', timestamp: 5, expires: 9 } }, '1h');
    expect(table.columns).toEqual(['client', 'value', 'timestamp', 'expires']);
    expect(table.rows).toEqual([['c1', 'on', 5, 9]]);
  });
});

describe('sortRows', () => {
  it('sorts numbers numerically and text by collation, either way, on a copy', () => {
    const rows = [
      ['b', 10],
      ['a', 9],
      ['c', 100],
    ] as const;
    expect(sortRows(rows, 1, true).map(row => row[0])).toEqual(['a', 'b', 'c']);
    expect(sortRows(rows, 1, false).map(row => row[0])).toEqual(['c', 'b', 'a']);
    expect(sortRows(rows, 0, true).map(row => row[1])).toEqual([9, 10, 100]);
    expect(rows[0][0]).toBe('b');
  });
});
