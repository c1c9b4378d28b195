import type { CardinalityResponse, PartitionCardinality } from '@taba/common';
import { InvalidArgumentError } from '@taba/common';

/** Tabs and clients a report lists when the request does not say. */
export const DEFAULT_CARDINALITY_TOP = 20;

/** How many to list: the request's `top`, the default for 0, refused past `max`. */
export function cardinalityTop(requested: number, max: number): number {
  if (requested === 0) return Math.min(DEFAULT_CARDINALITY_TOP, max);
  if (!Number.isInteger(requested) || requested < 0 || requested > max) {
    throw new InvalidArgumentError(
      'TOP_TOO_LARGE',
      `top must be 1 to ${max} (TABA_CARDINALITY_TOP_MAX), got ${requested}`,
    );
  }
  return requested;
}

/** Most first; ties by name, so the report is the same on every run. */
function byCountThenName(a: readonly [string, number], b: readonly [string, number]): number {
  return b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);
}

/**
 * Keeps the `top` largest entries of a stream: collects up to twice as many, then sorts and
 * cuts back, so memory stays O(top) however many Tabs go by.
 */
class TopEntries {
  private entries: [string, number][] = [];

  constructor(private readonly top: number) {}

  add(name: string, count: number): void {
    this.entries.push([name, count]);
    if (this.entries.length >= 2 * this.top + 1024) this.cut();
  }

  list(): [string, number][] {
    this.cut();
    return this.entries;
  }

  private cut(): void {
    this.entries.sort(byCountThenName);
    this.entries.length = Math.min(this.entries.length, this.top);
  }
}

/**
 * The cardinality report, from every partition's counts (partition-walk.ts) added one by one.
 * Tabs live in one partition, so their counts are final as they come and only the top stay;
 * a client's Tabs span partitions, so clients are summed first (memory O(clients)). Pure.
 */
export class CardinalityTally {
  private tabs = 0;
  private states = 0;
  private readonly topTabs: TopEntries;
  private readonly tabsOfClient = new Map<string, number>();

  constructor(private readonly top: number) {
    this.topTabs = new TopEntries(top);
  }

  add(partition: PartitionCardinality): void {
    for (const [tab, clients] of partition.clientsOfTab) {
      this.tabs += 1;
      this.states += clients;
      this.topTabs.add(tab, clients);
    }
    for (const [client, tabs] of partition.tabsOfClient) {
      this.tabsOfClient.set(client, (this.tabsOfClient.get(client) ?? 0) + tabs);
    }
  }

  report(): CardinalityResponse {
    const clients = new TopEntries(this.top);
    for (const [client, tabs] of this.tabsOfClient) clients.add(client, tabs);
    return {
      tabs: this.tabs,
      clients: this.tabsOfClient.size,
      states: this.states,
      topTabs: this.topTabs.list().map(([name, count]) => ({ name, clients: count })),
      topClients: clients.list().map(([clientId, tabs]) => ({ clientId, tabs })),
    };
  }
}
