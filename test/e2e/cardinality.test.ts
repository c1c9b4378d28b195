// Cardinality caps through the whole stack as child processes: a client's new Tabs past
// TABA_MAX_TABS_PER_CLIENT and a Tab's new clients past TABA_MAX_CLIENTS_PER_TAB are refused
// event by event with TAB_LIMIT while the rest of the batch is applied, the Tabs a client has
// keep working, and the refusals are counted in status.
import { status } from '@grpc/grpc-js';
import type { EventBatch } from '@taba/common';
import { describe, expect, it } from 'vitest';
import { postBatch, useGatewayStack } from '../support/gateway-stack.js';
import { deadlineIn, grpcErrorOf, unary } from '../support/grpc-client.js';

const { stack, grpc } = useGatewayStack({
  redisShards: 1,
  aggregatorEnv: { TABA_MAX_TABS_PER_CLIENT: '3', TABA_MAX_CLIENTS_PER_TAB: '2' },
});

const post = (batch: EventBatch) => postBatch(grpc(), batch, 10_000);

async function lifetimeCount(name: string): Promise<number> {
  const reply = await unary<{ tabs: { name: string; body: string }[] }>(callback =>
    grpc().getAggregates({ filter: { names: [name] } }, { deadline: deadlineIn(10_000) }, callback),
  );
  return (JSON.parse(reply.tabs[0]?.body ?? '{}') as { lifetime: { count: number } }).lifetime
    .count;
}

async function metric(service: string, name: string): Promise<number> {
  const statuses = await stack().status();
  return statuses
    .filter(instance => instance.service === service)
    .reduce((sum, instance) => sum + Number(instance.metrics[name] ?? 0), 0);
}

describe('cardinality caps', () => {
  it("refuses a client's Tabs past its cap with TAB_LIMIT and applies the rest of the batch", async () => {
    const first = await post({
      clientId: 'cards-1',
      seq: 1,
      tabs: ['a', 'b', 'c', 'd', 'e'].map(t => ({ name: `cards.${t}`, values: [1, 1] })),
    });
    expect(first).toMatchObject({ applied: 6, rejectedCount: 4, duplicate: false });
    const refusedTabs = new Set(first.rejected.map(r => r.tab));
    expect(first.rejected.every(r => r.code === 'TAB_LIMIT')).toBe(true);
    expect(refusedTabs.size).toBe(2);
    expect(first.rejected[0]?.reason).toContain('TABA_MAX_TABS_PER_CLIENT');

    // Its three Tabs go on; a sixth new one is refused again.
    const accepted = ['a', 'b', 'c', 'd', 'e'].filter((_, i) => !refusedTabs.has(i));
    const second = await post({
      clientId: 'cards-1',
      seq: 2,
      tabs: [...accepted, 'f'].map(t => ({ name: `cards.${t}`, values: [1] })),
    });
    expect(second).toMatchObject({ applied: 3, rejectedCount: 1 });
    expect(second.rejected[0]).toMatchObject({ tab: 3, code: 'TAB_LIMIT' });
    for (const t of accepted) expect(await lifetimeCount(`cards.${t}`)).toBe(3);
    const missing = await grpcErrorOf(lifetimeCount('cards.f'));
    expect(missing.code).toBe(status.NOT_FOUND);
  });

  it('refuses a third client of a Tab and leaves its events out of every total', async () => {
    const results = [];
    for (const client of ['cards-x', 'cards-y', 'cards-z']) {
      results.push(
        await post({ clientId: client, seq: 1, tabs: [{ name: 'cards.shared', values: [5] }] }),
      );
    }
    expect(results.map(r => [r.applied, r.rejectedCount])).toEqual([
      [1, 0],
      [1, 0],
      [0, 1],
    ]);
    expect(results[2]?.rejected[0]?.reason).toContain('TABA_MAX_CLIENTS_PER_TAB');
    expect(await lifetimeCount('cards.shared')).toBe(2);
    expect(await metric('ingest', 'ingest.events_rejected.TAB_LIMIT')).toBe(6);
    expect(await metric('aggregator', 'cardinality.refused_tabs_per_client')).toBe(3);
    expect(await metric('aggregator', 'cardinality.refused_clients_per_tab')).toBe(1);
  });
});
