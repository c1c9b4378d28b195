import { describe, expect, it } from 'vitest';
import { ManualClock } from './clock.js';
import { columnsOf } from './columns.js';
import { createHandlerRegistry } from './registry.js';

// Aligned to every bucket width (1s, 10s, 30s, 900s, 3600s).
const T0 = 1_763_805_600;

function setup() {
  const clock = new ManualClock(T0);
  return { clock, registry: createHandlerRegistry({ clock }) };
}

type Window = { count: number; total: number; average: number };

describe('CounterGroup windows', () => {
  it('puts events in time-aligned buckets with exact totals per window', () => {
    const { clock, registry } = setup();
    const handler = registry.COUNTER_GROUP;
    const state = handler.fold(
      handler.create({}),
      columnsOf([
        { timestamp: T0 + 0.5, value: 1 },
        { timestamp: T0 + 30.25, value: 2 },
        { timestamp: T0 + 59.75, value: 3 },
        { timestamp: T0 + 61, value: 4 },
        { timestamp: T0 + 700, value: 10 },
      ]),
      { clientId: 'c' },
    );
    const at = (seconds: number) => {
      clock.set(T0 + seconds);
      return handler.render(state, 'aggregate') as Record<string, Window>;
    };

    // At T0+61.5 the 1m window holds buckets T0+2 … : events at +30.25, +59.75, +61 (and +700, ahead).
    expect(at(61.5)['1m']).toEqual({ count: 4, total: 19, average: 4.75 });
    // At T0+701 the 1m window starts at bucket T0+642: only the event at +700.
    expect(at(701)['1m']).toEqual({ count: 1, total: 10, average: 10 });
    // 10m window at T0+701: 10s buckets from T0+110 on: only +700.
    expect(at(701)['10m']).toEqual({ count: 1, total: 10, average: 10 });
    expect(at(599)['10m']).toEqual({ count: 5, total: 20, average: 4 });
    expect(at(3599)['1h']).toEqual({ count: 5, total: 20, average: 4 });
    expect(at(3600)['1h']).toEqual({ count: 4, total: 19, average: 4.75 });
    expect(at(86_399)['1d']).toEqual({ count: 5, total: 20, average: 4 });
    // All five share the 15-minute bucket starting at T0, so they leave the 1d window together.
    expect(at(86_400)['1d']).toEqual({ count: 0, total: 0, average: 0 });
  });

  it('slides an event out at exactly bucketCount buckets after its bucket starts', () => {
    const { clock, registry } = setup();
    const handler = registry.COUNTER_GROUP;
    const state = handler.fold(handler.create({}), columnsOf([{ timestamp: T0 + 0.5, value: 7 }]), {
      clientId: 'c',
    });
    const count = (seconds: number, window: string) => {
      clock.set(T0 + seconds);
      return (handler.render(state, 'aggregate') as Record<string, Window>)[window]?.count;
    };
    expect([count(59.999, '1m'), count(60, '1m')]).toEqual([1, 0]);
    expect([count(599.999, '10m'), count(600, '10m')]).toEqual([1, 0]);
    expect([count(3599.999, '1h'), count(3600, '1h')]).toEqual([1, 0]);
    expect([count(86_399.999, '1d'), count(86_400, '1d')]).toEqual([1, 0]);
    // Lifetime stays.
    expect(handler.render(state, 'aggregate').lifetime).toMatchObject({
      count: 1,
      total: 7,
      average: 7,
    });
  });

  it('prunes buckets that left their window but keeps lifetime data', () => {
    const { clock, registry } = setup();
    const handler = registry.COUNTER_GROUP;
    const state = handler.fold(handler.create({}), columnsOf([{ timestamp: T0, value: 1 }]), {
      clientId: 'c',
    });
    clock.set(T0 + 86_400);
    expect(handler.prune(state)).toBe(false);
    expect(handler.renderDetail(state, 'aggregate').series).toEqual({
      '1m': [],
      '10m': [],
      '1h': [],
      '1d': [],
    });
  });
});

describe('PercentileGroup windows', () => {
  it('has exact count and total per window and is pruned when every window is empty', () => {
    const { clock, registry } = setup();
    const handler = registry.PERCENTILE_GROUP;
    const state = handler.fold(
      handler.create({}),
      columnsOf([
        { timestamp: T0 + 1, value: 10 },
        { timestamp: T0 + 2, value: 20 },
        { timestamp: T0 + 100, value: 30 },
      ]),
      { clientId: 'c' },
    );
    clock.set(T0 + 101);
    const render = handler.render(state, 'aggregate') as Record<
      string,
      { count: number; total: number }
    >;
    expect(render['1m']).toMatchObject({ count: 1, total: 30 });
    expect(render['10m']).toMatchObject({ count: 3, total: 60 });
    // Sketch buckets of the 1m window are 10s wide: at T0+101 they cover T0+50 … so p50 is 30.
    expect(
      (render['1m'] as unknown as { percentiles: Record<string, number> }).percentiles.p50,
    ).toBe(30);
    clock.set(T0 + 86_400 + 3600);
    expect(handler.prune(state)).toBe(true);
  });
});

describe('Histogram windows', () => {
  it('counts per bound per window with le semantics', () => {
    const { clock, registry } = setup();
    const handler = registry.HISTOGRAM;
    const state = handler.fold(
      handler.create({ bounds: [1, 5, 10] }),
      columnsOf([0.5, 1, 1.5, 5, 9.99, 10, 11, 1000].map(value => ({ timestamp: T0 + 1, value }))),
      { clientId: 'c' },
    );
    clock.set(T0 + 2);
    // Prometheus's exposition: cumulative `le` counts, _count and _sum.
    const all = {
      counts: [2, 2, 2, 2],
      cumulative: [2, 4, 6, 8],
      count: 8,
      sum: 0.5 + 1 + 1.5 + 5 + 9.99 + 10 + 11 + 1000,
    };
    expect(handler.render(state, 'aggregate')).toEqual({
      bounds: [1, 5, 10],
      '1m': all,
      '10m': all,
      '1h': all,
      '1d': all,
      lifetime: all,
    });
    clock.set(T0 + 61);
    expect(handler.render(state, 'aggregate')['1m']).toEqual({
      counts: [0, 0, 0, 0],
      cumulative: [0, 0, 0, 0],
      count: 0,
      sum: 0,
    });
    expect(handler.render(state, 'aggregate')['10m']).toEqual(all);
  });

  it('refuses to merge States with different bounds', () => {
    const { registry } = setup();
    const handler = registry.HISTOGRAM;
    expect(() =>
      handler.merge(handler.create({ bounds: [1, 2] }), handler.create({ bounds: [1, 3] })),
    ).toThrowError(/histogram bounds differ/);
  });
});

describe('Unique windows', () => {
  it('counts distinct values per window and lifetime', () => {
    const { clock, registry } = setup();
    const handler = registry.UNIQUE;
    const state = handler.fold(
      handler.create({}),
      columnsOf([
        { timestamp: T0 + 1, value: 'alice' },
        { timestamp: T0 + 2, value: 'bob' },
        { timestamp: T0 + 3, value: 'alice' },
        { timestamp: T0 + 200, value: 'carol' },
      ]),
      { clientId: 'c' },
    );
    clock.set(T0 + 201);
    expect(handler.render(state, 'aggregate')).toEqual({
      '1m': { distinct: 1 },
      '10m': { distinct: 3 },
      '1h': { distinct: 3 },
      '1d': { distinct: 3 },
      lifetime: { distinct: 3 },
    });
  });
});
