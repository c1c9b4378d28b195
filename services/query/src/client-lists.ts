/**
 * Every client that wrote each Tab (`clients|<tab>` sets), kept in the State cache next to the
 * States, each list with the version of its partition read before it: a read of every Tab's
 * projections, or with a client pattern, lists the clients of thousands of Tabs, and again on
 * the next request unless nothing changed. Reads at another version read the set again.
 */
import type { StateCache } from './state-cache.js';
import type { PlacedTab, TabStore } from './tab-store.js';

/** The cache key of a Tab's client list: a client ID is never empty, so no State's key. */
function listKey(tab: PlacedTab): string {
  return `${tab.name}|`;
}

function listBytes(clients: readonly string[]): number {
  let bytes = 32 + 8 * clients.length;
  for (const client of clients) bytes += 16 + 2 * client.length;
  return bytes;
}

export interface ClientListPlan {
  readonly kept: Map<string, readonly string[]>;
  readonly missing: PlacedTab[];
}

export class ClientLists {
  constructor(
    private readonly store: TabStore,
    private readonly cache: StateCache,
  ) {}

  /** The lists kept at their partition's version (`versionOf`), and the Tabs to read. */
  plan(tabs: readonly PlacedTab[], versionOf: (partition: number) => number): ClientListPlan {
    const kept = new Map<string, readonly string[]>();
    const missing: PlacedTab[] = [];
    for (const tab of tabs) {
      const hit = this.cache.lookup(listKey(tab), versionOf(tab.partition));
      if (hit) kept.set(tab.name, hit.state as readonly string[]);
      else missing.push(tab);
    }
    return { kept, missing };
  }

  /** Reads the missing lists, keeps them, and answers every list of the plan. */
  async fetch(
    plan: ClientListPlan,
    versionOf: (partition: number) => number,
  ): Promise<Map<string, readonly string[]>> {
    const lists = new Map(plan.kept);
    if (plan.missing.length === 0) return lists;
    const read = await this.store.clientsOf(plan.missing);
    for (const tab of plan.missing) {
      const clients = read.get(tab.name) ?? [];
      this.cache.store(listKey(tab), versionOf(tab.partition), clients, listBytes(clients));
      lists.set(tab.name, clients);
    }
    return lists;
  }
}
