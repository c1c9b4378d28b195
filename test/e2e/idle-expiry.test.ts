// Idle States expire through the whole stack as child processes: with TABA_STATE_IDLE_SECONDS a
// client's Tabs of every type that never prune by themselves (Counter, Totals, Unique, Histogram)
// go once it stops writing, the Tabs with them, and the Tab counts the caps use shrink: a client
// at TABA_MAX_TABS_PER_CLIENT may create new Tabs again.
import type { EventBatch } from '@taba/common';
import { describe, expect, it } from 'vitest';
import { postBatch, useGatewayStack } from '../support/gateway-stack.js';
import { pollUntil } from '../support/poll.js';

const { stack, grpc } = useGatewayStack({
  redisShards: 1,
  aggregatorEnv: {
    TABA_STATE_IDLE_SECONDS: '3',
    TABA_PRUNE_INTERVAL_MS: '300',
    TABA_MAX_TABS_PER_CLIENT: '4',
    TABA_CARDINALITY_REFRESH_MS: '1000',
  },
});

const post = (batch: EventBatch) => postBatch(grpc(), batch, 10_000);

const TABS: NonNullable<EventBatch['tabs']> = [
  { name: 'idle.counter', type: 'COUNTER_GROUP', values: [1] },
  { name: 'idle.totals', type: 'TOTALS_COUNTER', values: [2] },
  { name: 'idle.unique', type: 'UNIQUE', strings: ['u1'] },
  { name: 'idle.histogram', type: 'HISTOGRAM', values: [3], bounds: [1, 5, 10] },
];

async function names(): Promise<string[]> {
  const response = await fetch(`${stack().restUrl}/v1/names`);
  return (await response.json()) as string[];
}

async function expiredStates(): Promise<number> {
  const statuses = await stack().status();
  return statuses
    .filter(instance => instance.service === 'aggregator')
    .reduce((sum, instance) => sum + Number(instance.metrics['prune.states_expired'] ?? 0), 0);
}

describe('idle States', () => {
  it('expire whatever their type, and free the client to create Tabs again', async () => {
    expect(await post({ clientId: 'idle-1', seq: 1, tabs: TABS })).toMatchObject({
      applied: 4,
      rejectedCount: 0,
    });
    // At the cap: a fifth Tab is refused.
    const fifth = await post({
      clientId: 'idle-1',
      seq: 2,
      tabs: [{ name: 'idle.fifth', values: [1] }],
    });
    expect(fifth).toMatchObject({ applied: 0, rejectedCount: 1 });
    expect(fifth.rejected[0]?.code).toBe('TAB_LIMIT');

    await pollUntil(async () => ((await names()).length === 0 ? true : undefined), {
      what: 'the idle Tabs to expire',
      timeoutMs: 30_000,
      intervalMs: 200,
    });
    // The pruner adds a pass's counts to its status when the pass ends.
    const expired = await pollUntil(
      async () => {
        const count = await expiredStates();
        return count >= 8 ? count : undefined;
      },
      { what: 'the pass to be counted', timeoutMs: 10_000, intervalMs: 200 },
    );
    // Four client States and four all-clients States.
    expect(expired).toBe(8);

    // Once the counts are read again, the client may create Tabs again.
    const again = await pollUntil(
      async () => {
        const answer = await post({
          clientId: 'idle-1',
          seq: Date.now(),
          tabs: [{ name: 'idle.fifth', values: [1] }],
        });
        return answer.applied === 1 ? answer : undefined;
      },
      { what: 'the Tab counts to be read again', timeoutMs: 10_000, intervalMs: 300 },
    );
    expect(again).toMatchObject({ applied: 1, rejectedCount: 0 });
    expect(await names()).toEqual(['idle.fifth']);
  });
});
