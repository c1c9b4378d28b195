// Redis at its maxmemory with noeviction, through the whole stack as child processes: the
// commit is refused as RESOURCE_EXHAUSTED (REDIS_OUT_OF_MEMORY) with nothing written, counted in
// the aggregator's status; the client library backs off and sends the same batch again, and once
// memory is freed its events are counted exactly once.
import { status } from '@grpc/grpc-js';
import type { TabaClientError } from '@taba/client';
import { TabaClient } from '@taba/client';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postBatch, useGatewayStack } from '../support/gateway-stack.js';
import { deadlineIn, grpcErrorOf, unary } from '../support/grpc-client.js';
import { pollUntil } from '../support/poll.js';

const { stack, grpc } = useGatewayStack({
  redisShards: 1,
  redisArgs: ['--maxmemory', '8mb', '--maxmemory-policy', 'noeviction'],
  env: { TABA_PRUNE_INTERVAL_MS: '0' },
});
let redis: Redis;

beforeAll(() => {
  redis = new Redis(stack().redis[0]?.url ?? '');
});
afterAll(async () => {
  await redis?.quit();
});

/** Fills Redis past its maxmemory (the write that crosses it is the last one taken). */
async function fill(): Promise<void> {
  // Small values: a large one would be refused for its own query buffer while the data still fit.
  const chunk = 'x'.repeat(16 * 1024);
  for (let i = 0; i < 4096; i += 1) {
    try {
      await redis.set(`filler:${i}`, chunk);
    } catch (error) {
      if (String(error).includes('OOM')) return;
      throw error;
    }
  }
  throw new Error('Redis never refused a write: is maxmemory set?');
}

async function lifetimeCount(name: string): Promise<number> {
  const reply = await unary<{ tabs: { body: string }[] }>(callback =>
    grpc().getAggregates({ filter: { names: [name] } }, { deadline: deadlineIn(10_000) }, callback),
  );
  return (JSON.parse(reply.tabs[0]?.body ?? '{}') as { lifetime: { count: number } }).lifetime
    .count;
}

async function outOfMemoryCalls(): Promise<number> {
  const statuses = await stack().status();
  return statuses
    .filter(instance => instance.service === 'aggregator')
    .reduce(
      (sum, instance) => sum + Number(instance.metrics['commit.shard_calls_out_of_memory'] ?? 0),
      0,
    );
}

describe('Redis out of memory', () => {
  it('refuses the commit with REDIS_OUT_OF_MEMORY; the client retries and lands it once', async () => {
    await fill();
    const started = performance.now();
    const error = await grpcErrorOf(
      postBatch(
        grpc(),
        { clientId: 'oom-raw', seq: 1, tabs: [{ name: 'oom.raw', values: [1] }] },
        10_000,
      ),
    );
    expect(performance.now() - started).toBeLessThan(5000);
    expect(error.code).toBe(status.RESOURCE_EXHAUSTED);
    expect(error.metadata.get('taba-reason')).toEqual(['REDIS_OUT_OF_MEMORY']);
    expect(error.details).toContain('maxmemory');
    expect(await outOfMemoryCalls()).toBe(1);
    expect(await redis.keys('*oom.raw*')).toEqual([]);

    const errors: TabaClientError[] = [];
    const client = new TabaClient({
      address: stack().grpcAddress,
      clientId: 'oom-lib',
      flushMs: 20,
      retry: { initialMs: 50, maxMs: 200 },
      onError: e => errors.push(e),
    });
    try {
      for (let i = 0; i < 7; i += 1) client.counter('oom.lib');
      const flushed = client.flush();
      await pollUntil(() => (errors.length >= 2 ? true : undefined), {
        what: 'the client to retry the refused batch',
        timeoutMs: 10_000,
      });
      expect(errors.every(e => e.code === 'RESOURCE_EXHAUSTED' && e.retrying)).toBe(true);
      await redis.flushall();
      await flushed;
      expect(client.stats()).toMatchObject({
        dropped: { bufferFull: 0, rejectedBatch: 0, closed: 0 },
      });
    } finally {
      await client.close();
    }
    expect(await lifetimeCount('oom.lib')).toBe(7);
  });
});
