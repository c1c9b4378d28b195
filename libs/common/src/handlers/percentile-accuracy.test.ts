import { describe, expect, it } from 'vitest';
import {
  DISTRIBUTIONS,
  exactQuantile,
  relativeError,
  sample,
} from '../test-support/distributions.js';
import { ManualClock } from './clock.js';
import { columnsOf } from './columns.js';
import type { CounterGroupState } from './counter-group.js';
import type { PercentileGroupState } from './percentile-group.js';
import { createHandlerRegistry } from './registry.js';
import { PERCENTILES } from './sparse-sketch.js';

const NOW = 1_763_805_600;
const COUNT = 100_000;
const clock = new ManualClock(NOW + 5);
const registry = createHandlerRegistry({ clock });

function columnsAt(values: readonly number[]) {
  return columnsOf(values.map(value => ({ timestamp: NOW + 1, value })));
}

type Percentiles = Record<string, number>;

function worstError(reported: Percentiles, sorted: readonly number[]): number {
  let worst = 0;
  for (const [key, q] of PERCENTILES) {
    const value = reported[key];
    expect(value, key).toBeTypeOf('number');
    worst = Math.max(worst, relativeError(value ?? Number.NaN, exactQuantile(sorted, q)));
  }
  return worst;
}

describe.each(Object.keys(DISTRIBUTIONS))('percentiles of 100,000 %s values', distribution => {
  const values = sample(distribution, COUNT, 42);
  const sorted = [...values].sort((a, b) => a - b);

  it('are within 1% relative error for CounterGroup lifetime, whole and merged from 10 clients', () => {
    const handler = registry.COUNTER_GROUP;
    const whole = handler.fold(handler.create({}), columnsAt(values), {
      clientId: 'c',
    }) as CounterGroupState;
    const lifetime = handler.render(whole, 'aggregate').lifetime as {
      count: number;
      percentiles: Percentiles;
    };
    expect(lifetime.count).toBe(COUNT);
    expect(worstError(lifetime.percentiles, sorted)).toBeLessThanOrEqual(0.01);

    const merged = handler.create({});
    for (let client = 0; client < 10; client += 1) {
      const part = values.slice(client * 10_000, (client + 1) * 10_000);
      handler.merge(
        merged,
        handler.fold(handler.create({}), columnsAt(part), { clientId: `c${client}` }),
      );
    }
    const mergedLifetime = handler.render(merged, 'aggregate').lifetime as {
      percentiles: Percentiles;
    };
    expect(mergedLifetime.percentiles).toEqual(lifetime.percentiles);
  });

  it('are within 1% relative error in every PercentileGroup window, also merged from 10 clients', () => {
    const handler = registry.PERCENTILE_GROUP;
    const merged = handler.create({}) as PercentileGroupState;
    for (let client = 0; client < 10; client += 1) {
      const part = values.slice(client * 10_000, (client + 1) * 10_000);
      handler.merge(
        merged,
        handler.fold(handler.create({}), columnsAt(part), { clientId: `c${client}` }),
      );
    }
    const render = handler.render(merged, 'aggregate') as Record<
      string,
      { count: number; percentiles: Percentiles }
    >;
    for (const window of ['1m', '10m', '1h', '1d']) {
      expect(render[window]?.count).toBe(COUNT);
      expect(worstError(render[window]?.percentiles ?? {}, sorted)).toBeLessThanOrEqual(0.01);
    }
  });
});
