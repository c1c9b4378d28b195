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
   * One map (client → restored State) per read, and the bytes the States take (estimated, for
   * the request cache). `versionOf` gives the version of a partition read before any of this
   * data (the request's snapshot); kept States read at another version are read again.
   */
  async read(
    reads: readonly TabRead[],
    versionOf: (partition: number) => number,
  ): Promise<{ states: Map<string, unknown>[]; bytes: number }> {
    const { cache } = this.options;
    const results = reads.map(() => new Map<string, unknown>());
    let bytes = 0;
    const missing: StateRead[] = [];
    const missingAt: number[] = [];
    await forEachInSlices(reads, ({ tab, clients }, at) => {
      const version = versionOf(tab.partition);
      const absent: string[] = [];
      for (const client of clients) {
        const kept = cache.lookup(cellKey(tab, client), version);
        if (kept === undefined) {
          absent.push(client);
        } else {
          results[at]?.set(client, kept.state);
          bytes += kept.bytes;
        }
      }
      if (absent.length === 0) return;
      missing.push({ name: tab.name, partition: tab.partition, type: tab.type, clients: absent });
      missingAt.push(at);
    });
    if (missing.length === 0) return { states: results, bytes };
    const stored = await inSpan(
      'query.read',
      {
        attributes: {
          'taba.tabs': missing.length,
          'taba.cache.hits': reads.length - missing.length,
        },
      },
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
        results[at]?.set(client, state);
      }
    });
    return { states: results, bytes };
  }
}
