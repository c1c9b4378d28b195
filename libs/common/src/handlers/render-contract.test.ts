import { describe, expect, it } from 'vitest';
import { ManualClock } from './clock.js';
import { columnsOf } from './columns.js';
import { createHandlerRegistry } from './registry.js';
import { renderText } from './render-text.js';

const T0 = 1_763_805_600;

function setup() {
  const clock = new ManualClock(T0 + 10);
  return { clock, registry: createHandlerRegistry({ clock }) };
}

const ZERO_PERCENTILES = { p25: 0, p50: 0, p75: 0, p90: 0, p95: 0, p99: 0, 'p99.9': 0 };

describe('render contract', () => {
  it('CounterGroup', () => {
    const { registry } = setup();
    const handler = registry.COUNTER_GROUP;
    const state = handler.fold(
      handler.create({}),
      columnsOf([2, 4, 6].map(value => ({ timestamp: T0 + 5, value }))),
      { clientId: 'c' },
    );
    const render = handler.render(state, 'aggregate');
    const window = { count: 3, total: 12, average: 4 };
    expect(Object.keys(render)).toEqual(['1m', '10m', '1h', '1d', 'lifetime']);
    expect(render['1m']).toEqual(window);
    expect(render['1d']).toEqual(window);
    const lifetime = render.lifetime as { percentiles: Record<string, number> };
    expect(Object.keys(lifetime.percentiles)).toEqual([
      'p25',
      'p50',
      'p75',
      'p90',
      'p95',
      'p99',
      'p99.9',
    ]);
    expect(lifetime.percentiles.p25).toBeCloseTo(2, 1);
    expect(lifetime.percentiles.p50).toBeCloseTo(4, 1);
    // Rank floor(q·(n−1)): with three values p99.9 is the middle one, like every lower quantile.
    expect(lifetime.percentiles['p99.9']).toBeCloseTo(4, 1);
    expect(handler.render(handler.create({}), 'aggregate')).toEqual({
      '1m': { count: 0, total: 0, average: 0 },
      '10m': { count: 0, total: 0, average: 0 },
      '1h': { count: 0, total: 0, average: 0 },
      '1d': { count: 0, total: 0, average: 0 },
      lifetime: { count: 0, total: 0, average: 0, percentiles: ZERO_PERCENTILES },
    });
    expect(handler.renderDetail(state, 'aggregate').series).toEqual({
      '1m': [[T0 + 5, 3, 12]],
      '10m': [[T0, 3, 12]],
      '1h': [[T0, 3, 12]],
      '1d': [[T0, 3, 12]],
    });
  });

  it('PercentileGroup', () => {
    const { registry } = setup();
    const handler = registry.PERCENTILE_GROUP;
    const empty = handler.render(handler.create({}), 'aggregate');
    expect(empty['1h']).toEqual({ count: 0, total: 0, percentiles: ZERO_PERCENTILES });
    const state = handler.fold(handler.create({}), columnsOf([{ timestamp: T0 + 1, value: 100 }]), {
      clientId: 'c',
    });
    // One value: every percentile is that value (clamped to min and max).
    expect(handler.render(state, 'aggregate')['10m']).toEqual({
      count: 1,
      total: 100,
      percentiles: { p25: 100, p50: 100, p75: 100, p90: 100, p95: 100, p99: 100, 'p99.9': 100 },
    });
  });

  it('TotalsCounter keeps float64 totals', () => {
    const { registry } = setup();
    const handler = registry.TOTALS_COUNTER;
    const state = handler.fold(
      handler.create({}),
      columnsOf([0.1, 0.2, 1e-9].map(value => ({ timestamp: T0, value }))),
      { clientId: 'c' },
    );
    expect(handler.render(state, 'aggregate')).toEqual({
      count: 3,
      total: 0.1 + 0.2 + 1e-9,
      average: (0.1 + 0.2 + 1e-9) / 3,
    });
  });

  it('Gauge: value histogram over clients, latest value per client, 48h expiry', () => {
    const { clock, registry } = setup();
    const handler = registry.GAUGE;
    const all = handler.create({});
    const a = handler.fold(
      handler.create({}),
      columnsOf([
        { timestamp: T0 + 2, value: 'ok' },
        { timestamp: T0 + 1, value: 'down' },
      ]),
      { clientId: 'a' },
    );
    const b = handler.fold(handler.create({}), columnsOf([{ timestamp: T0, value: 'ok' }]), {
      clientId: 'b',
    });
    const c = handler.fold(handler.create({}), columnsOf([{ timestamp: T0 + 3, value: 7 }]), {
      clientId: 'c',
    });
    for (const state of [a, b, c]) handler.merge(all, state);
    expect(handler.render(all, 'aggregate')).toEqual({ values: { ok: 2, '7': 1 } });
    expect(handler.render(a, 'projection')).toEqual({
      value: 'ok',
      timestamp: T0 + 2,
      expires: T0 + 2 + 172_800,
    });
    expect(handler.render(c, 'projection')).toEqual({
      value: 7,
      timestamp: T0 + 3,
      expires: T0 + 3 + 172_800,
    });
    clock.set(T0 + 172_800);
    expect(handler.render(all, 'aggregate')).toEqual({ values: { ok: 1, '7': 1 } });
    clock.set(T0 + 172_803);
    expect(handler.render(all, 'aggregate')).toEqual({ values: {} });
    expect(handler.render(a, 'projection')).toEqual({
      value: null,
      timestamp: null,
      expires: null,
    });
    expect(handler.prune(all)).toBe(true);
  });

  it('ExpiryGauge uses the caller expiry', () => {
    const { clock, registry } = setup();
    const handler = registry.EXPIRY_GAUGE;
    const state = handler.fold(
      handler.create({}),
      columnsOf([{ timestamp: T0, value: 'on', expiry: T0 + 20 }]),
      { clientId: 'a' },
    );
    expect(handler.render(state, 'aggregate')).toEqual({ values: { on: 1 } });
    clock.set(T0 + 20);
    expect(handler.render(state, 'aggregate')).toEqual({ values: {} });
  });

  it('Buffer: newest first, at most 1000, expired entries dropped', () => {
    const { clock, registry } = setup();
    const handler = registry.BUFFER;
    const events = Array.from({ length: 1500 }, (_, i) => ({
      timestamp: T0 - 1500 + i,
      value: i,
      expiry: i % 2 === 0 ? T0 + 100 : T0 + 50,
    }));
    const state = handler.fold(handler.create({}), columnsOf(events), { clientId: 'c' });
    const values = handler.render(state, 'aggregate').values as [number, number][];
    expect(values).toHaveLength(1000);
    expect(values[0]).toEqual([1499, T0 - 1]);
    expect(values[999]).toEqual([500, T0 - 1000]);
    clock.set(T0 + 50);
    const later = handler.render(state, 'aggregate').values as [number, number][];
    expect(later).toHaveLength(500);
    expect(later[0]).toEqual([1498, T0 - 2]);
    expect(handler.prune(state)).toBe(false);
    clock.set(T0 + 100);
    expect(handler.prune(state)).toBe(true);
  });

  it('Unique counts numbers by their decimal text', () => {
    const { registry } = setup();
    const handler = registry.UNIQUE;
    const state = handler.fold(
      handler.create({}),
      columnsOf([1, 1.0, 2].map(value => ({ timestamp: T0 + 5, value }))),
      { clientId: 'c' },
    );
    handler.fold(state, columnsOf([{ timestamp: T0 + 5, value: '1' }]), { clientId: 'c' });
    expect(handler.render(state, 'aggregate').lifetime).toEqual({ distinct: 2 });
  });
});

describe('renderText', () => {
  it('flattens the JSON render into path=value pairs', () => {
    expect(renderText({ '1m': { count: 3, total: 6.5 }, values: { ok: 2 } })).toBe(
      '1m.count=3 1m.total=6.5 values.ok=2',
    );
    expect(renderText({ values: [['a', 1]] })).toBe('values=[["a",1]]');
    expect(renderText({ value: 'ok', expires: null, values: {} })).toBe(
      'value=ok expires=null values={}',
    );
  });
});
