// Batches too big for one commit are the batch's fault: the whole stack as child processes
// refuses a batch over TABA_MAX_BATCH_TABS at once with RESOURCE_EXHAUSTED (TOO_MANY_TABS) and
// a reason, over REST and gRPC, while another client's batch goes through; a batch at the
// limit is committed, in bounded calls, exactly.
import { status } from '@grpc/grpc-js';
import type { EventBatch } from '@taba/common';
import { describe, expect, it } from 'vitest';
import { postBatch, useGatewayStack } from '../support/gateway-stack.js';
import { deadlineIn, grpcErrorOf, unary } from '../support/grpc-client.js';

const LIMIT = 10_000;
const { stack, grpc } = useGatewayStack({
  redisShards: 2,
  // Small commit calls, so the batch at the limit is split into many of them.
  aggregatorEnv: { TABA_COMMIT_MAX_TABS: '500' },
  // The check reads all 10,000 Tabs in one query: more than a query instance takes by default.
  env: { TABA_QUERY_MAX_INFLIGHT_STATES: String(LIMIT) },
});

const post = (batch: EventBatch) => postBatch(grpc(), batch, 30_000);

/** One event on each of `count` distinct Tabs `<prefix>.<i>`. */
function distinctTabs(prefix: string, count: number): NonNullable<EventBatch['tabs']> {
  return Array.from({ length: count }, (_, i) => ({ name: `${prefix}.${i}`, values: [1] }));
}

async function lifetimeCounts(pattern: string): Promise<number[]> {
  const reply = await unary<{ tabs: { name: string; body: string }[] }>(callback =>
    grpc().getAggregates(
      { filter: { names: [pattern], regex: true } },
      { deadline: deadlineIn(30_000) },
      callback,
    ),
  );
  return reply.tabs.map(
    tab => (JSON.parse(tab.body) as { lifetime: { count: number } }).lifetime.count,
  );
}

describe('batches over the commit limits', () => {
  it('refuses 20,000 distinct Tabs over gRPC with TOO_MANY_TABS while another batch succeeds', async () => {
    const started = performance.now();
    const [error, other] = await Promise.all([
      grpcErrorOf(
        post({ clientId: 'limits-huge', seq: 1, tabs: distinctTabs('limits.huge', 20_000) }),
      ),
      post({ clientId: 'limits-other', seq: 1, tabs: [{ name: 'limits.other', values: [1, 2] }] }),
    ]);
    const elapsedMs = performance.now() - started;
    expect(error.code).toBe(status.RESOURCE_EXHAUSTED);
    expect(error.metadata.get('taba-reason')).toEqual(['TOO_MANY_TABS']);
    expect(error.details).toContain(
      '20000 distinct Tabs; the limit is 10000 (TABA_MAX_BATCH_TABS)',
    );
    expect(other).toMatchObject({ applied: 2 });
    // Reported, not asserted: speed is measured by benchmarks.
    console.log(
      `20,000-Tab batch refused and a concurrent batch applied in ${elapsedMs.toFixed(0)} ms`,
    );
    expect(await lifetimeCounts('^limits\\.huge\\.')).toEqual([]);
  });

  it('refuses the same over REST with 429 and a JSON reason', async () => {
    const response = await fetch(`${stack().restUrl}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        client: 'limits-rest',
        seq: 1,
        events: Array.from({ length: 20_000 }, (_, i) => ({ name: `limits.rest.${i}`, value: 1 })),
      }),
    });
    expect(response.status).toBe(429);
    const body = (await response.json()) as { error: { reason: string; message: string } };
    expect(body.error.reason).toBe('TOO_MANY_TABS');
    expect(body.error.message).toContain('TABA_MAX_BATCH_TABS');
  });

  it('commits a batch at the limit in bounded calls, exactly, next to another client', async () => {
    const [wide, other] = await Promise.all([
      post({ clientId: 'limits-wide', seq: 1, tabs: distinctTabs('limits.wide', LIMIT) }),
      post({ clientId: 'limits-next', seq: 1, tabs: [{ name: 'limits.next', values: [5] }] }),
    ]);
    expect(wide).toMatchObject({ applied: LIMIT, rejectedCount: 0 });
    expect(other).toMatchObject({ applied: 1 });
    // A retry of the same batch is a duplicate: nothing counted twice.
    const again = await post({
      clientId: 'limits-wide',
      seq: 1,
      tabs: distinctTabs('limits.wide', LIMIT),
    });
    expect(again).toMatchObject({ applied: LIMIT, duplicate: true });
    const counts = await lifetimeCounts('^limits\\.wide\\.');
    expect(counts).toHaveLength(LIMIT);
    expect(counts.every(count => count === 1)).toBe(true);
  });
});
