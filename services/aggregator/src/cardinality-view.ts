import type { Logger, RedisShards } from '@taba/common';
import { readPartitionCardinality } from '@taba/common';
import type { CallCaps, CallCreations, CapHit, CommitPart } from './redis/commit-args.js';
import { NO_CAPS } from './redis/commit-args.js';

/** The cardinality caps (0: off). */
export interface CardinalityCaps {
  /** TABA_MAX_TABS: Tabs in all. */
  readonly maxTabs: number;
  /** TABA_MAX_TABS_PER_CLIENT: Tabs one client ID writes. */
  readonly maxTabsPerClient: number;
  /** TABA_MAX_CLIENTS_PER_TAB: client IDs one Tab has. */
  readonly maxClientsPerTab: number;
}

/** Totals over every partition. */
export interface CardinalityTotals {
  readonly tabs: number;
  readonly tabsOfClient: ReadonlyMap<string, number>;
}

/**
 * What this aggregator knows of the Tab counts, to give each commit call its budgets: the total
 * of Tabs, and each client's. Read from every partition every refresh, and raised by what this
 * aggregator's own calls create in between, so one aggregator's sequential calls see exact
 * counts; other aggregators' creations show at the next refresh (the documented slack, see
 * docs/architecture.md "Cardinality"). Clients per Tab needs no view: the script counts the
 * Tab's set, which lives in one partition.
 */
export class CardinalityView {
  private tabs = 0;
  private tabsOfClient = new Map<string, number>();
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  /** Tabs refused per cap. */
  readonly refused: Record<CapHit, number> = { TABS: 0, TABS_PER_CLIENT: 0, CLIENTS_PER_TAB: 0 };
  refreshes = 0;
  refreshFailures = 0;

  constructor(readonly caps: CardinalityCaps) {}

  /** Whether any cap needs the counts (the clients-per-Tab cap does not). */
  get counting(): boolean {
    return this.caps.maxTabs > 0 || this.caps.maxTabsPerClient > 0;
  }

  /** The budgets of a call writing `parts`. */
  capsFor(parts: readonly CommitPart[]): CallCaps {
    if (!this.counting && this.caps.maxClientsPerTab === 0) return NO_CAPS;
    const newTabsOfClient = new Map<string, number>();
    if (this.caps.maxTabsPerClient > 0) {
      for (const { client } of parts) {
        newTabsOfClient.set(
          client,
          this.caps.maxTabsPerClient - (this.tabsOfClient.get(client) ?? 0),
        );
      }
    }
    return {
      newTabs: this.caps.maxTabs > 0 ? this.caps.maxTabs - this.tabs : undefined,
      maxClientsPerTab: this.caps.maxClientsPerTab,
      newTabsOfClient,
    };
  }

  /** Counts what a call created and refused. */
  record(created: CallCreations, refusals: Iterable<CapHit>): void {
    for (const cap of refusals) this.refused[cap] += 1;
    if (!this.counting) return;
    this.tabs += created.tabs;
    if (this.caps.maxTabsPerClient === 0) return;
    for (const [client, cells] of created.cellsOf) {
      this.tabsOfClient.set(client, (this.tabsOfClient.get(client) ?? 0) + cells);
    }
  }

  /** Replaces the counts with totals read from every partition. */
  replace(totals: CardinalityTotals): void {
    this.tabs = totals.tabs;
    this.tabsOfClient =
      this.caps.maxTabsPerClient > 0 ? new Map(totals.tabsOfClient) : new Map<string, number>();
  }

  /** Reads every partition's counts now (partitions one after another). */
  async refresh(shards: RedisShards, partitionCount: number): Promise<void> {
    const totals = await readCardinalityTotals(shards, partitionCount);
    this.replace(totals);
    this.refreshes += 1;
  }

  /** Refreshes at once, then every `intervalMs` (only when a Tab count is capped). */
  start(shards: RedisShards, partitionCount: number, intervalMs: number, logger?: Logger): void {
    if (!this.counting || this.timer || intervalMs <= 0) return;
    const tick = () => {
      this.running ??= this.refresh(shards, partitionCount)
        .catch((error: unknown) => {
          this.refreshFailures += 1;
          logger?.warn({ err: error }, 'reading the Tab counts failed');
        })
        .finally(() => {
          this.running = undefined;
        });
    };
    tick();
    this.timer = setInterval(tick, intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }

  metrics(): Record<string, number> {
    return {
      'cardinality.tabs_known': this.tabs,
      'cardinality.refused_tabs': this.refused.TABS,
      'cardinality.refused_tabs_per_client': this.refused.TABS_PER_CLIENT,
      'cardinality.refused_clients_per_tab': this.refused.CLIENTS_PER_TAB,
      'cardinality.refreshes': this.refreshes,
      'cardinality.refresh_failures': this.refreshFailures,
    };
  }
}

/** Sums every partition's counts. */
export async function readCardinalityTotals(
  shards: RedisShards,
  partitionCount: number,
): Promise<CardinalityTotals> {
  let tabs = 0;
  const tabsOfClient = new Map<string, number>();
  for (let partition = 0; partition < partitionCount; partition += 1) {
    const counts = await readPartitionCardinality(shards.forPartition(partition), partition);
    tabs += counts.clientsOfTab.size;
    for (const [client, n] of counts.tabsOfClient) {
      tabsOfClient.set(client, (tabsOfClient.get(client) ?? 0) + n);
    }
  }
  return { tabs, tabsOfClient };
}
