// Events of every type through the TypeScript client, and what their Aggregates must then be:
// the end-to-end check run against every backend (plain shards, Sentinel, Redis Cluster).
import { TabaClient } from '@taba/client';
import { expect } from 'vitest';

/** Posts the events of every type under `prefix.` as client `clientId`; resolves once acknowledged. */
export async function postEveryType(address: string, prefix: string, now: number): Promise<void> {
  const client = new TabaClient({ address, clientId: `${prefix}-ts`, flushMs: 50 });
  for (const value of [1, 2, 3, 4]) client.counter(`${prefix}.counter`, value);
  for (let i = 1; i <= 100; i += 1) client.percentile(`${prefix}.latency`, i);
  client.record(`${prefix}.totals`, 'TOTALS_COUNTER', 2.5);
  client.record(`${prefix}.totals`, 'TOTALS_COUNTER', 4.5);
  client.gauge(`${prefix}.state`, 'green');
  client.gauge(`${prefix}.expiring`, 7, now + 3600);
  client.buffer(`${prefix}.log`, 'first', now + 3600);
  client.buffer(`${prefix}.log`, 'second', now + 3600);
  for (const user of ['ann', 'bob', 'ann', 'cy']) client.unique(`${prefix}.users`, user);
  for (const value of [0.5, 3, 30]) client.histogram(`${prefix}.sizes`, value, [1, 10]);
  await client.close();
  expect(client.stats().dropped).toMatchObject({ bufferFull: 0, rejectedBatch: 0 });
}

/** Checks the Aggregates (name → JSON render) of what postEveryType posted: exact, percentiles within 1%. */
export function expectEveryType(
  got: Readonly<Record<string, Record<string, unknown>>>,
  prefix: string,
): void {
  expect(got[`${prefix}.counter`]?.lifetime).toMatchObject({ count: 4, total: 10, average: 2.5 });
  expect(got[`${prefix}.counter`]?.['1m']).toEqual({ count: 4, total: 10, average: 2.5 });
  const latency = got[`${prefix}.latency`]?.['1h'] as {
    count: number;
    total: number;
    percentiles: Record<string, number>;
  };
  expect([latency.count, latency.total]).toEqual([100, 5050]);
  for (const [key, exact] of [
    ['p50', 50],
    ['p90', 90],
    ['p99', 99],
  ] as const) {
    expect(Math.abs((latency.percentiles[key] ?? 0) - exact) / exact).toBeLessThanOrEqual(0.01);
  }
  expect(got[`${prefix}.totals`]).toEqual({ count: 2, total: 7, average: 3.5 });
  expect(got[`${prefix}.state`]).toEqual({ values: { green: 1 } });
  expect(got[`${prefix}.expiring`]).toEqual({ values: { '7': 1 } });
  expect(
    ((got[`${prefix}.log`]?.values ?? []) as unknown[][]).map(entry => entry[0]).sort(),
  ).toEqual(['first', 'second']);
  expect(got[`${prefix}.users`]?.lifetime).toEqual({ distinct: 3 });
  expect(got[`${prefix}.sizes`]?.lifetime).toEqual({
    counts: [1, 1, 1],
    cumulative: [1, 2, 3],
    count: 3,
    sum: 33.5,
  });
}
