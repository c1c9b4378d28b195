/**
 * The restored States (handler States, ready to merge and render) of (Tab, client) pairs: from
 * the State cache when kept at the partition's current version, else read from Redis in MGETs
 * per shard (TabStore.readStates), restored, and kept.
 */
import type { Clock, HandlerRegistry, TabParams, TabTypeName } from '@taba/common';
import { EMPTY_STORED_STATE, inSpan, stateFromStored } from '@taba/common';
import { approximateBytes } from './approximate-bytes.js';
import type { StateCache } from './state-cache.js';
import type { StateRead, TabStore } from './tab-store.js';
import { forEachInSlices } from './time-slices.js';

/** What a State read needs of a Tab. */
export interface StateTab {
  readonly name: string;
  readonly partition: number;
  readonly type: TabTypeName;
  readonly params: TabParams;
}

/** A Tab and the clients whose States to read (ALL_CLIENTS for the all-clients State). */
export interface TabRead {
  readonly tab: StateTab;
  readonly clients: readonly string[];
}

export interface RestoredStatesOptions {
  readonly store: TabStore;
  readonly cache: StateCache;
  readonly registry: HandlerRegistry;
  readonly clock: Clock;
}

function cellKey(tab: StateTab, client: string): string {
  // `|` is in neither alphabet, and a name belongs to one partition only.
  return `${tab.name}|${client}`;
}

export class RestoredStates {
  constructor(private readonly options: RestoredStatesOptions) {}

  /**
   * What reading these States takes: the ones the cache keeps at the partition's version (in
   * hand from here on, so evictions meanwhile do not matter) and the ones to read from Redis.
   * `versionOf` gives the version of a partition read before any of this data (the request's
   * snapshot); kept States read at another version are read again.
   */
  async plan(
    reads: readonly TabRead[],
    versionOf: (partition: number) => number,
  ): Promise<StatePlan> {
    const { cache } = this.options;
    const plan: StatePlan = {
      reads,
      versionOf,
      states: reads.map(() => new Map<string, unknown>()),
      bytes: 0,
      kept: 0,
      missing: [],
      missingAt: [],
      missingStates: 0,
    };
    await forEachInSlices(reads, ({ tab, clients }, at) => {
      const version = versionOf(tab.partition);
      const absent: string[] = [];
      for (const client of clients) {
        const kept = cache.lookup(cellKey(tab, client), version);
        if (kept === undefined) {
          absent.push(client);
        } else {
          plan.states[at]?.set(client, kept.state);
          plan.bytes += kept.bytes;
          plan.kept += 1;
        }
      }
      if (absent.length === 0) return;
      plan.missing.push({
        name: tab.name,
        partition: tab.partition,
        type: tab.type,
        clients: absent,
      });
      plan.missingAt.push(at);
      plan.missingStates += absent.length;
    });
    return plan;
  }

  /**
   * The planned States: the kept ones, and the missing ones read from Redis, restored and kept.
   * One map (client → restored State) per read, and the bytes the States take (estimated).
   */
  async fetch(plan: StatePlan): Promise<{ states: Map<string, unknown>[]; bytes: number }> {
    const { cache } = this.options;
    const { reads, versionOf, states, missing, missingAt } = plan;
    let bytes = plan.bytes;
    if (missing.length === 0) return { states, bytes };
    const stored = await inSpan(
      'query.read',
      { attributes: { 'taba.states': plan.missingStates, 'taba.cache.hits': plan.kept } },
      () => this.options.store.readStates(missing, this.options.clock.nowSeconds()),
    );
    await forEachInSlices(missing, (read, k) => {
      const at = missingAt[k] as number;
      const { tab } = reads[at] as TabRead;
      const handler = this.options.registry[tab.type];
      const version = versionOf(tab.partition);
      for (const client of read.clients) {
        const state = stateFromStored(
          handler,
          tab.params,
          stored[k]?.get(client) ?? EMPTY_STORED_STATE,
        );
        const stateBytes = approximateBytes(state);
        cache.store(cellKey(tab, client), version, state, stateBytes);
        bytes += stateBytes;
        states[at]?.set(client, state);
      }
    });
    return { states, bytes };
  }
}

/** A read's States: those in hand from the cache, and those still to read. */
export interface StatePlan {
  readonly reads: readonly TabRead[];
  readonly versionOf: (partition: number) => number;
  /** Per read: client → State, the kept ones so far. */
  readonly states: Map<string, unknown>[];
  bytes: number;
  /** States found in the cache. */
  kept: number;
  readonly missing: StateRead[];
  /** The read each missing entry belongs to. */
  readonly missingAt: number[];
  /** States to read from Redis. */
  missingStates: number;
}

/**
 * Admission units of a State read from Redis beyond those of a kept one: it is also decoded and
 * restored, measured at 3–5 times the work of rendering it.
 */
export const COLD_STATE_EXTRA_UNITS = 3;

/**
 * What a planned read costs (cost-admission.ts): its size is every State at the render's
 * weight (render.ts), whether kept or not, and its units add the decoding of the cold ones.
 */
export function readCost(plan: StatePlan, renderWeight: number): { units: number; size: number } {
  const size = (plan.kept + plan.missingStates) * renderWeight;
  return { units: size + COLD_STATE_EXTRA_UNITS * plan.missingStates, size };
}
