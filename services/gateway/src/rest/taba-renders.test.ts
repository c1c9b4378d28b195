import { describe, expect, it } from 'vitest';
import { tabaAggregate, tabaProjection } from './taba-renders.js';

const window = { count: 2, total: 5, average: 2.5 };
const percentiles = { p25: 1, p50: 2, p75: 3, p90: 4, p95: 5, p99: 6, 'p99.9': 7 };

describe('tabaAggregate', () => {
  it("turns a CounterGroup's lifetime into Taba's pct section", () => {
    const ours = {
      '1m': window,
      '10m': window,
      '1h': window,
      '1d': window,
      lifetime: { count: 9, total: 20, average: 2.2, percentiles },
    };
    expect(tabaAggregate('COUNTER_GROUP', ours)).toEqual({
      '1m': window,
      '10m': window,
      '1h': window,
      '1d': window,
      pct: { count: 9, total: 20, pct: [1, 2, 3, 4, 5, 6, 7] },
    });
  });

  it("gives a PercentileGroup's windows Taba's pct lists", () => {
    const section = { count: 2, total: 5, percentiles };
    const taba = { count: 2, total: 5, pct: [1, 2, 3, 4, 5, 6, 7] };
    expect(
      tabaAggregate('PERCENTILE_GROUP', {
        '1m': section,
        '10m': section,
        '1h': section,
        '1d': section,
      }),
    ).toEqual({ '1m': taba, '10m': taba, '1h': taba, '1d': taba });
  });

  it('prints Gauges and Buffers bare, as Taba did, and leaves the rest as it is', () => {
    expect(tabaAggregate('GAUGE', { values: { on: 2, off: 1 } })).toEqual({ on: 2, off: 1 });
    expect(tabaAggregate('EXPIRY_GAUGE', { values: {} })).toEqual({});
    expect(tabaAggregate('BUFFER', { values: [['a', 10]] })).toEqual([['a', 10]]);
    const totals = { count: 1, total: 2.5, average: 2.5 };
    expect(tabaAggregate('TOTALS_COUNTER', totals)).toBe(totals);
    const unique = { '1m': { distinct: 3 } };
    expect(tabaAggregate('UNIQUE', unique)).toBe(unique);
  });
});

describe('tabaProjection', () => {
  it("renders one client's Gauge as Taba's histogram of that client", () => {
    expect(tabaProjection('GAUGE', { value: 'on', timestamp: 1, expires: 2 })).toEqual({ on: 1 });
    expect(tabaProjection('EXPIRY_GAUGE', { value: 3, timestamp: 1, expires: 2 })).toEqual({
      '3': 1,
    });
    expect(tabaProjection('GAUGE', { value: null, timestamp: null, expires: null })).toEqual({});
  });
});
