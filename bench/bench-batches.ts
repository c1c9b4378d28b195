// The batches every benchmark sends: 1,000 Tabs, mostly counters, each client ID covering its
// own 10 Tabs, so 100 client IDs write all of them.
import type { EventBatch } from '@taba/common';

export type BenchTabType = 'COUNTER_GROUP' | 'PERCENTILE_GROUP' | 'GAUGE' | 'UNIQUE';

export interface BenchShape {
  readonly tabCount: number;
  readonly eventsPerBatch: number;
  /** Events of one Tab in a batch. */
  readonly eventsPerTab: number;
  /**
   * Give every event its own timestamp (spread over the last second), as the TypeScript client
   * sends them, instead of letting all take the batch's time: 16 bytes an event instead of 8.
   */
  readonly timestamps?: boolean;
}

export const DEFAULT_BENCH_SHAPE: BenchShape = {
  tabCount: 1000,
  eventsPerBatch: 20_000,
  eventsPerTab: 2000,
};

/** Tab i's type: 90% counters, 5% percentiles, 3% gauges, 2% uniques. */
export function benchTabType(tab: number): BenchTabType {
  const slot = tab % 100;
  if (slot < 90) return 'COUNTER_GROUP';
  if (slot < 95) return 'PERCENTILE_GROUP';
  if (slot < 98) return 'GAUGE';
  return 'UNIQUE';
}

/**
 * The Tabs of client `client`'s batches (the same every time), and how many of their events
 * are counted exactly (counters, percentiles): client c covers Tabs c·n … c·n+n−1.
 */
export function benchTabs(
  client: number,
  shape: BenchShape = DEFAULT_BENCH_SHAPE,
): { tabs: NonNullable<EventBatch['tabs']>; countable: number } {
  let countable = 0;
  const perTab = shape.eventsPerTab;
  const tabsPerBatch = shape.eventsPerBatch / perTab;
  const tabs: NonNullable<EventBatch['tabs']> = [];
  for (let t = 0; t < tabsPerBatch; t += 1) {
    const tab = (client * tabsPerBatch + t) % shape.tabCount;
    const type = benchTabType(tab);
    const numeric = type === 'COUNTER_GROUP' || type === 'PERCENTILE_GROUP';
    if (numeric) countable += perTab;
    const now = Date.now() / 1000;
    tabs.push({
      ...(shape.timestamps
        ? { timestamps: Array.from({ length: perTab }, (_, i) => now - (i % 1000) / 1000) }
        : {}),
      name: `bench.tab.${tab}`,
      type,
      values: numeric ? Array.from({ length: perTab }, (_, i) => ((i * 7 + client) % 100) / 4) : [],
      strings: numeric ? [] : Array.from({ length: perTab }, (_, i) => `v${(i + client) % 20}`),
    });
  }
  return { tabs, countable };
}
