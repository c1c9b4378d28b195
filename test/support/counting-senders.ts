// Clients that post counter events through the gateway in a loop, knowing exactly what they
// recorded, and the read-back that compares Redis's counts with it.
import { setTimeout as sleep } from 'node:timers/promises';
import { TabaClient } from '@taba/client';
import type { TabaClient as TabaGrpcClient } from '@taba/common';
import { connectTaba, deadlineIn, unary } from './grpc-client.js';

export interface CountingSendersOptions {
  /** The gateway. */
  readonly address: string;
  /** Tab names start with this (and a dot); also the client ID prefix. */
  readonly prefix: string;
  /** @default 3 */
  readonly clients?: number;
  /** Tabs each client posts to, spread over partitions by name. @default 6 */
  readonly tabsPerClient?: number;
  /** Events per Tab per round; one round is one batch. @default 5 */
  readonly eventsPerTab?: number;
  /** Pause between rounds, ms. @default 20 */
  readonly pauseMs?: number;
}

/**
 * `clients` TabaClients, each recording `eventsPerTab` counter events (value 1) on each of its
 * Tabs per round and flushing, round after round until `stop`. A batch that fails is retried
 * by the client with the same seq, so what was recorded is exactly what must be counted.
 */
export class CountingSenders {
  private readonly clients: TabaClient[];
  private readonly expected = new Map<string, number>();
  private loops: Promise<void>[] = [];
  private running = false;
  private readonly eventsPerTab: number;
  private readonly pauseMs: number;
  private readonly tabs: string[][];
  /** Per client, every round: when it started and when it was acknowledged (epoch ms). */
  private readonly rounds: { started: number; acked: number }[][];

  constructor(readonly options: CountingSendersOptions) {
    const count = options.clients ?? 3;
    const tabsPerClient = options.tabsPerClient ?? 6;
    this.eventsPerTab = options.eventsPerTab ?? 5;
    this.pauseMs = options.pauseMs ?? 20;
    this.clients = Array.from(
      { length: count },
      (_, i) =>
        new TabaClient({
          address: options.address,
          clientId: `${options.prefix}-client-${i}`,
          flushMs: 50,
          deadlineMs: 5000,
          retry: { initialMs: 50, maxMs: 500 },
          onError: () => {},
        }),
    );
    this.rounds = this.clients.map(() => []);
    this.tabs = this.clients.map((_, i) =>
      Array.from({ length: tabsPerClient }, (_, k) => `${options.prefix}.c${i}.t${k}`),
    );
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    this.loops = this.clients.map((client, i) =>
      this.loop(client, this.tabs[i] ?? [], this.rounds[i] ?? []),
    );
  }

  /** Stops the loops and closes every client once what it recorded is acknowledged. */
  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
    await Promise.all(this.clients.map(client => client.close({ timeoutMs: 30_000 })));
  }

  /** Events the gateway acknowledged as applied, over every client. */
  applied(): number {
    return this.clients.reduce((sum, client) => sum + client.stats().applied, 0);
  }

  /** Events recorded, over every client. */
  recorded(): number {
    let sum = 0;
    for (const count of this.expected.values()) sum += count;
    return sum;
  }

  /** Events recorded per Tab: what the lifetime counts must be once every client flushed. */
  expectedCounts(): Record<string, number> {
    return Object.fromEntries([...this.expected].sort(([a], [b]) => (a < b ? -1 : 1)));
  }

  /** Every client's drops and refusals, summed: all zero when nothing was lost. */
  losses(): { dropped: number; rejected: number } {
    let dropped = 0;
    let rejected = 0;
    for (const client of this.clients) {
      const stats = client.stats();
      dropped += stats.dropped.bufferFull + stats.dropped.closed + stats.dropped.rejectedBatch;
      rejected += stats.rejected;
    }
    return { dropped, rejected };
  }

  /** Whether every client has had a batch acknowledged after `sinceMs` (epoch ms). */
  allAcknowledgedSince(sinceMs: number): boolean {
    return this.rounds.every(rounds => rounds.some(round => round.acked > sinceMs));
  }

  /**
   * The longest any client went without an acknowledged batch from `fromMs` (epoch ms) on,
   * counting from `fromMs` to its first acknowledgement after it: how long posting stalled.
   */
  longestStallSeconds(fromMs: number): number {
    let worst = 0;
    for (const rounds of this.rounds) {
      let previous = fromMs;
      for (const { acked } of rounds) {
        if (acked <= fromMs) continue;
        worst = Math.max(worst, acked - previous);
        previous = acked;
      }
    }
    return worst / 1000;
  }

  private async loop(
    client: TabaClient,
    tabs: readonly string[],
    rounds: { started: number; acked: number }[],
  ): Promise<void> {
    while (this.running) {
      const started = Date.now();
      for (const tab of tabs) {
        for (let e = 0; e < this.eventsPerTab; e += 1) client.counter(tab);
        this.expected.set(tab, (this.expected.get(tab) ?? 0) + this.eventsPerTab);
      }
      await client.flush();
      rounds.push({ started, acked: Date.now() });
      await sleep(this.pauseMs);
    }
  }
}

/** Lifetime counts of every Tab whose name starts with `prefix.`, read through the gateway. */
export async function readCounts(address: string, prefix: string): Promise<Record<string, number>> {
  const client: TabaGrpcClient = connectTaba(address);
  try {
    return await readCountsWith(client, prefix);
  } finally {
    client.close();
  }
}

/** {@link readCounts} over an open client. */
export async function readCountsWith(
  client: TabaGrpcClient,
  prefix: string,
  timeoutMs = 5000,
): Promise<Record<string, number>> {
  const escaped = prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const reply = await unary<{ tabs: { name: string; body: string }[] }>(callback =>
    client.getAggregates(
      { filter: { names: [`^${escaped}\\.`], regex: true } },
      { deadline: deadlineIn(timeoutMs) },
      callback,
    ),
  );
  const counts: Record<string, number> = {};
  for (const tab of [...reply.tabs].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const body = JSON.parse(tab.body) as { lifetime?: { count?: number } };
    counts[tab.name] = body.lifetime?.count ?? Number.NaN;
  }
  return counts;
}
