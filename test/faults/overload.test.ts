// Back-pressure: Redis falls behind (writes paused 4/5 of the time) while client-library
// senders record, open loop, 5× what the stack then takes (measured first, under the same
// pauses). The services refuse what they cannot hold (RESOURCE_EXHAUSTED, OVERLOADED), their
// memory stays bounded, the clients back off and retry, a client whose buffer fills counts
// what it drops, and every event recorded is counted exactly once or counted as dropped:
// nothing is lost silently. The in-flight budgets are set small here so that 40 clients
// exceed them; their defaults (docs/configuration.md) are sized for production.
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { TabaClient } from '@taba/client';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCounts } from '../support/counting-senders.js';
import type { ServiceProcess } from '../support/service-process.js';
import type { Stack } from '../support/stack.js';
import { startStack } from '../support/stack.js';

const CLIENTS = 40;
const TABS_PER_CLIENT = 4;
const TICK_MS = 10;
const MAX_BATCH = 2000;
const MAX_BUFFERED = 20_000;
const OVERLOAD_FACTOR = 5;
/** Bound on each service's resident memory during the overload, MB. */
const RSS_BOUND_MB = 350;

let stack: Stack;

beforeAll(async () => {
  stack = await startStack({
    redisShards: 1,
    env: {
      TABA_GATEWAY_MAX_INFLIGHT_BYTES: String(256 * 1024),
      TABA_INGEST_MAX_INFLIGHT_BYTES: String(128 * 1024),
      TABA_AGGREGATOR_MAX_PENDING_BYTES: String(64 * 1024),
      TABA_PRUNE_INTERVAL_MS: '0',
    },
  });
}, 120_000);

afterAll(async () => {
  await stack?.stop();
}, 60_000);

function rssMb(service: ServiceProcess): number {
  const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${service.pid}/status`, 'utf8'));
  return match ? Number(match[1]) / 1024 : 0;
}

/** Senders that record closed loop (to find what the stack takes) or open loop (to overload it). */
class OpenLoopSenders {
  readonly clients = Array.from(
    { length: CLIENTS },
    (_, i) =>
      new TabaClient({
        address: stack.grpcAddress,
        clientId: `overload-${i}`,
        flushMs: 50,
        maxBatch: MAX_BATCH,
        maxBuffered: MAX_BUFFERED,
        retry: { initialMs: 50, maxMs: 1000 },
        onError: () => {},
      }),
  );
  private timer: NodeJS.Timeout | undefined;
  recorded = 0;

  /**
   * Closed loop for `ms`: each client records a full batch, waits for its answer, again;
   * resolves the events acknowledged per second, what the stack takes at most.
   */
  async saturate(ms: number): Promise<number> {
    const from = this.applied();
    const until = Date.now() + ms;
    await Promise.all(
      this.clients.map(async (client, i) => {
        while (Date.now() < until) {
          for (let e = 0; e < MAX_BATCH; e += 1) {
            client.counter(`overload.c${i}.t${e % TABS_PER_CLIENT}`);
          }
          this.recorded += MAX_BATCH;
          await client.flush();
        }
      }),
    );
    return (this.applied() - from) / (ms / 1000);
  }

  /** Records `eventsPerSecond` over all clients, in ticks of TICK_MS, whatever the answers. */
  start(eventsPerSecond: number): void {
    this.stop();
    const perTick = Math.max(1, Math.round((eventsPerSecond * TICK_MS) / 1000 / CLIENTS));
    this.timer = setInterval(() => {
      this.clients.forEach((client, i) => {
        for (let e = 0; e < perTick; e += 1) {
          client.counter(`overload.c${i}.t${e % TABS_PER_CLIENT}`);
        }
      });
      this.recorded += perTick * CLIENTS;
    }, TICK_MS);
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  applied(): number {
    return this.clients.reduce((sum, client) => sum + client.stats().applied, 0);
  }

  dropped(): number {
    return this.clients.reduce((sum, client) => {
      const { bufferFull, closed, rejectedBatch } = client.stats().dropped;
      return sum + bufferFull + closed + rejectedBatch;
    }, 0);
  }

  retries(): number {
    return this.clients.reduce((sum, client) => sum + client.stats().retries, 0);
  }
}

describe('overload: Redis falls behind under ~5× the load it can take', () => {
  it('refuses what it cannot hold, keeps memory bounded, and accounts for every event', async () => {
    const senders = new OpenLoopSenders();
    const services = [stack.gateway, stack.ingest, ...stack.aggregators];

    // Redis refuses writes 4/5 of the time from now on.
    const redis = new Redis(stack.redis[0]?.url ?? '');
    let pausing = true;
    const pauses = (async () => {
      while (pausing) {
        await redis.client('PAUSE', 400, 'WRITE');
        await sleep(500);
      }
    })();
    // What the stack then takes, every client always with a full batch waiting; then five
    // times that, open loop.
    const capacity = await senders.saturate(4000);
    senders.start(OVERLOAD_FACTOR * capacity);
    const recordedAtStart = senders.recorded;
    const peaks = new Map(services.map(service => [service, 0]));
    const appliedAtStart = senders.applied();
    const started = Date.now();
    while (Date.now() - started < 10_000) {
      for (const service of services) {
        peaks.set(service, Math.max(peaks.get(service) ?? 0, rssMb(service)));
      }
      await sleep(200);
    }
    const seconds = (Date.now() - started) / 1000;
    const overloadRate = (senders.applied() - appliedAtStart) / seconds;
    const offeredRate = (senders.recorded - recordedAtStart) / seconds;
    pausing = false;
    await pauses;
    await redis.client('UNPAUSE');
    redis.disconnect();
    senders.stop();
    await Promise.all(senders.clients.map(client => client.close({ timeoutMs: 60_000 })));

    const refused = (await stack.status()).reduce((sum, instance) => {
      const metrics = instance.metrics as Record<string, number>;
      return (
        sum +
        (metrics['gateway.inflight_bytes_refused'] ?? 0) +
        (metrics['ingest.inflight_bytes_refused'] ?? 0) +
        (metrics['commit.pending_bytes_refused'] ?? 0)
      );
    }, 0);
    const counted = Object.values(await readCounts(stack.grpcAddress, 'overload')).reduce(
      (sum, count) => sum + count,
      0,
    );
    const peakRss = Object.fromEntries(
      [...peaks].map(([service, mb]) => [service.service, Math.round(mb)]),
    );
    console.log(
      JSON.stringify({
        fault: 'overload',
        capacityEventsPerSec: Math.round(capacity),
        offeredEventsPerSec: Math.round(offeredRate),
        acknowledgedEventsPerSec: Math.round(overloadRate),
        refusedCalls: refused,
        clientRetries: senders.retries(),
        recorded: senders.recorded,
        acknowledged: senders.applied(),
        dropped: senders.dropped(),
        found: counted,
        peakRssMb: peakRss,
      }),
    );

    expect(refused).toBeGreaterThan(0);
    expect(senders.retries()).toBeGreaterThan(0);
    for (const [service, mb] of peaks) {
      expect(mb, `${service.service} peak RSS`).toBeLessThan(RSS_BOUND_MB);
    }
    // Nothing silent: every event recorded is counted once, or counted as dropped by its client.
    expect(counted).toBe(senders.applied());
    expect(senders.applied() + senders.dropped()).toBe(senders.recorded);
  });
});
