// Redis Cluster as the backend (3 masters, created with `redis-cli --cluster create`): the
// hash-tagged layout runs unchanged. The same cluster of services as the fault suite's, the
// same end-to-end checks: every type exact, counts exact under load (with an aggregator killed
// on the way), and a delete that leaves nothing behind.
import { setTimeout as sleep } from 'node:timers/promises';
import type { TabaClient as TabaGrpcClient } from '@taba/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectEveryType, postEveryType } from '../support/every-type.js';
import { connectTaba, deadlineIn, unary } from '../support/grpc-client.js';
import type { Stack } from '../support/stack.js';
import { startStack } from '../support/stack.js';
import { runFault } from './fault-run.js';

const NOW = Math.floor(Date.now() / 1000);
let stack: Stack;
let grpc: TabaGrpcClient;

beforeAll(async () => {
  stack = await startStack({
    discovery: 'consul',
    redisBackend: { kind: 'cluster' },
    aggregators: 3,
    ingests: 2,
    queries: 2,
    env: { TABA_PARTITIONS: '128', TABA_PRUNE_INTERVAL_MS: '0' },
  });
  await stack.waitForMembership(30_000);
  grpc = connectTaba(stack.grpcAddress);
}, 120_000);

afterAll(async () => {
  grpc?.close();
  await stack?.stop();
}, 60_000);

async function aggregates(pattern: string): Promise<Record<string, Record<string, unknown>>> {
  const reply = await unary<{ tabs: { name: string; body: string }[] }>(callback =>
    grpc.getAggregates(
      { filter: { names: [pattern], regex: true } },
      { deadline: deadlineIn(10_000) },
      callback,
    ),
  );
  return Object.fromEntries(
    reply.tabs.map(tab => [tab.name, JSON.parse(tab.body) as Record<string, unknown>]),
  );
}

describe('Redis Cluster as the backend', () => {
  it('takes every type and reads each back exactly', async () => {
    await postEveryType(stack.grpcAddress, 'cluster.ts', NOW);
    expectEveryType(await aggregates('^cluster\\.ts\\.'), 'cluster.ts');
  });

  it('counts exactly what was acknowledged under load, an aggregator killed on the way', async () => {
    const report = await runFault(stack, 'redis-cluster', async () => {
      const [victim] = stack.live('aggregator');
      if (!victim) throw new Error('no aggregator to kill');
      await stack.killInstance(victim);
      await sleep(2000);
      await stack.startInstance('aggregator');
    });
    expect(report.found).toBe(report.acknowledged);
  });

  it('deletes Tabs of every kind, keys and indexes, in one script per partition', async () => {
    const names = ['cluster.ts.counter', 'cluster.ts.users', 'cluster.ts.log'];
    const deleted = await unary<{ deleted: string[] }>(callback =>
      grpc.deleteTabs({ filter: { names } }, { deadline: deadlineIn(10_000) }, callback),
    );
    expect([...deleted.deleted].sort()).toEqual([...names].sort());
    const left = Object.keys(await aggregates('^cluster\\.ts\\.'));
    expect(left.filter(name => names.includes(name))).toEqual([]);
    expect(left).toContain('cluster.ts.latency');
  });
});
