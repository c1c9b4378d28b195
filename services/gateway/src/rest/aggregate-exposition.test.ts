import { columnsOf, createHandlerRegistry, ManualClock } from '@taba/common';
import parsePrometheusTextFormat from 'parse-prometheus-text-format';
import { describe, expect, it } from 'vitest';
import { aggregatesExposition } from './aggregate-exposition.js';

const NOW = 1_763_805_600;

describe('aggregatesExposition', () => {
  it('writes each type as its documented families, the Tab as a label', () => {
    const text = aggregatesExposition([
      {
        name: 'bid.price',
        type: 'COUNTER_GROUP',
        body: JSON.stringify({
          '1m': { count: 2, total: 3, average: 1.5 },
          lifetime: { count: 4, total: 10, average: 2.5, percentiles: { p50: 2, 'p99.9': 4 } },
        }),
      },
      { name: 'logins', type: 'TOTALS_COUNTER', body: '{"count":3,"total":3,"average":1}' },
      {
        name: 'latency',
        type: 'PERCENTILE_GROUP',
        body: JSON.stringify({ '1m': { count: 2, total: 0.5, percentiles: { p25: 0.1 } } }),
      },
      {
        name: 'size',
        type: 'HISTOGRAM',
        body: JSON.stringify({
          bounds: [1, 5],
          '1m': { counts: [1, 0, 2], cumulative: [1, 1, 3], count: 3, sum: 21 },
        }),
      },
      { name: 'mode "a"', type: 'GAUGE', body: '{"values":{"canary":2,"n\\\\1":1}}' },
      { name: 'users', type: 'UNIQUE', body: '{"1m":{"distinct":7},"lifetime":{"distinct":9}}' },
      { name: 'recent', type: 'BUFFER', body: '{"values":[["x",1]]}' },
    ]);
    expect(text).toBe(
      [
        '# HELP taba_counter_group_count CounterGroup: events counted, per window',
        '# TYPE taba_counter_group_count gauge',
        'taba_counter_group_count{tab="bid.price",window="1m"} 2',
        'taba_counter_group_count{tab="bid.price",window="lifetime"} 4',
        '# HELP taba_counter_group_total CounterGroup: sum of the values, per window',
        '# TYPE taba_counter_group_total gauge',
        'taba_counter_group_total{tab="bid.price",window="1m"} 3',
        'taba_counter_group_total{tab="bid.price",window="lifetime"} 10',
        '# HELP taba_counter_group_average CounterGroup: average value, per window',
        '# TYPE taba_counter_group_average gauge',
        'taba_counter_group_average{tab="bid.price",window="1m"} 1.5',
        'taba_counter_group_average{tab="bid.price",window="lifetime"} 2.5',
        '# HELP taba_counter_group_lifetime CounterGroup: percentiles of every value since the Tab began (sum and count: lifetime)',
        '# TYPE taba_counter_group_lifetime summary',
        'taba_counter_group_lifetime{tab="bid.price",quantile="0.5"} 2',
        'taba_counter_group_lifetime{tab="bid.price",quantile="0.999"} 4',
        'taba_counter_group_lifetime_sum{tab="bid.price"} 10',
        'taba_counter_group_lifetime_count{tab="bid.price"} 4',
        '# HELP taba_percentile_group PercentileGroup: percentiles, sum and count per window',
        '# TYPE taba_percentile_group summary',
        'taba_percentile_group{tab="latency",window="1m",quantile="0.25"} 0.1',
        'taba_percentile_group_sum{tab="latency",window="1m"} 0.5',
        'taba_percentile_group_count{tab="latency",window="1m"} 2',
        '# HELP taba_totals_counter_count TotalsCounter: events counted since the Tab began',
        '# TYPE taba_totals_counter_count gauge',
        'taba_totals_counter_count{tab="logins"} 3',
        '# HELP taba_totals_counter_total TotalsCounter: sum of the values since the Tab began',
        '# TYPE taba_totals_counter_total gauge',
        'taba_totals_counter_total{tab="logins"} 3',
        '# HELP taba_totals_counter_average TotalsCounter: average value since the Tab began',
        '# TYPE taba_totals_counter_average gauge',
        'taba_totals_counter_average{tab="logins"} 1',
        '# HELP taba_histogram Histogram: cumulative counts per bound, per window',
        '# TYPE taba_histogram histogram',
        'taba_histogram_bucket{tab="size",window="1m",le="1"} 1',
        'taba_histogram_bucket{tab="size",window="1m",le="5"} 1',
        'taba_histogram_bucket{tab="size",window="1m",le="+Inf"} 3',
        'taba_histogram_sum{tab="size",window="1m"} 21',
        'taba_histogram_count{tab="size",window="1m"} 3',
        '# HELP taba_gauge_clients Gauge and ExpiryGauge: clients whose live value is `value`',
        '# TYPE taba_gauge_clients gauge',
        'taba_gauge_clients{tab="mode \\"a\\"",value="canary"} 2',
        'taba_gauge_clients{tab="mode \\"a\\"",value="n\\\\1"} 1',
        '# HELP taba_unique_distinct Unique: distinct values, per window',
        '# TYPE taba_unique_distinct gauge',
        'taba_unique_distinct{tab="users",window="1m"} 7',
        'taba_unique_distinct{tab="users",window="lifetime"} 9',
        '',
      ].join('\n'),
    );
  });

  it('is read back by a Prometheus text-format parser, with the handlers’ own renders', () => {
    const registry = createHandlerRegistry({ clock: new ManualClock(NOW) });
    const counter = registry.COUNTER_GROUP;
    const counted = counter.create({});
    const at = (values: number[]) => columnsOf(values.map(value => ({ value, timestamp: NOW })));
    counter.fold(counted, at([1, 2, 3, 4]), { clientId: 'c' });
    const histogram = registry.HISTOGRAM;
    const sized = histogram.create({ bounds: [10, 100] });
    histogram.fold(sized, at([5, 50, 500]), { clientId: 'c' });
    const text = aggregatesExposition([
      {
        name: 'bid',
        type: 'COUNTER_GROUP',
        body: JSON.stringify(counter.render(counted, 'aggregate')),
      },
      {
        name: 'size',
        type: 'HISTOGRAM',
        body: JSON.stringify(histogram.render(sized, 'aggregate')),
      },
    ]);
    const families = new Map(parsePrometheusTextFormat(text).map(f => [f.name, f]));
    expect([...families].map(([name, family]) => [name, family.type])).toEqual([
      ['taba_counter_group_count', 'GAUGE'],
      ['taba_counter_group_total', 'GAUGE'],
      ['taba_counter_group_average', 'GAUGE'],
      ['taba_counter_group_lifetime', 'SUMMARY'],
      ['taba_histogram', 'HISTOGRAM'],
    ]);
    const count = families.get('taba_counter_group_count');
    expect(count?.metrics.map(m => [m.labels?.tab, m.labels?.window, m.value])).toEqual([
      ['bid', '1m', '4'],
      ['bid', '10m', '4'],
      ['bid', '1h', '4'],
      ['bid', '1d', '4'],
      ['bid', 'lifetime', '4'],
    ]);
    // The parser folds labelled summaries and histograms into one series, dropping their
    // labels: their lines are checked as written.
    expect(text).toContain('taba_counter_group_lifetime_sum{tab="bid"} 10\n');
    expect(text).toContain('taba_counter_group_lifetime_count{tab="bid"} 4\n');
    expect(text).toContain(
      [
        'taba_histogram_bucket{tab="size",window="1m",le="10"} 1',
        'taba_histogram_bucket{tab="size",window="1m",le="100"} 2',
        'taba_histogram_bucket{tab="size",window="1m",le="+Inf"} 3',
        'taba_histogram_sum{tab="size",window="1m"} 555',
        'taba_histogram_count{tab="size",window="1m"} 3',
      ].join('\n'),
    );
  });

  it('leaves Buffer Tabs out and answers nothing for no Tabs', () => {
    expect(aggregatesExposition([])).toBe('');
    expect(aggregatesExposition([{ name: 'b', type: 'BUFFER', body: '{"values":[]}' }])).toBe('');
  });
});
