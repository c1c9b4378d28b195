/**
 * The query operations: selection → Tabs (and their clients) → States → renders. No gRPC here
 * (server.ts adapts requests and replies); Redis only through TabStore.
 */
import type { AnyTabHandler, HandlerRegistry, RenderView, TabTypeName } from '@taba/common';
import {
  ALL_CLIENTS,
  annotateActiveSpan,
  compareCodePoints,
  InvalidArgumentError,
  inSpan,
  isTabaError,
  NotFoundError,
} from '@taba/common';
import type { StepCost } from './cost-admission.js';
import type { QueryCache } from './query-cache.js';
import type { RenderModeName } from './render.js';
import { renderBody, renderWeight } from './render.js';
import type { RestoredStates, TabRead } from './restored-states.js';
import { readCost } from './restored-states.js';
import type { FilterInput, Selection } from './selection.js';
import { filtersClients, parseSelection } from './selection.js';
import { checkMergeable } from './super-aggregate.js';
import type { SelectedTab, Snapshot, TabInfo, TabResolverOptions } from './tab-resolver.js';
import { TabResolver, versionsOf } from './tab-resolver.js';
import { mapInSlices } from './time-slices.js';

export interface RenderedTabReply {
  readonly name: string;
  readonly type: TabTypeName;
  readonly body: string;
}

export interface ProjectedTabReply {
  readonly name: string;
  readonly type: TabTypeName;
  readonly clients: { readonly clientId: string; readonly body: string }[];
}

export interface SuperAggregateReply {
  readonly type: TabTypeName;
  readonly names: string[];
  readonly body: string;
}

export interface TabTypeReply {
  readonly name: string;
  readonly type: TabTypeName;
  readonly bounds: number[];
}

export interface QueryEngineOptions extends TabResolverOptions {
  readonly cache: QueryCache;
  /** Restored States, from the State cache or Redis. */
  readonly states: RestoredStates;
  readonly registry: HandlerRegistry;
}

/** What the cache keeps per request: merged States, rendered anew on every answer. */
interface AggregateEntry {
  readonly tabs: readonly { readonly info: TabInfo; readonly state: unknown }[];
}
interface ProjectionEntry {
  readonly tabs: readonly {
    readonly info: TabInfo;
    readonly clients: readonly { readonly client: string; readonly state: unknown }[];
  }[];
}
interface SuperAggregateEntry {
  readonly info: TabInfo;
  readonly names: readonly string[];
  readonly state: unknown;
}

/**
 * Refusals that depend only on the stored data (what the filter selects), never on load: kept
 * in the request cache like an answer, so a repeat is refused without resolving the filter.
 */
const DATA_REFUSALS: ReadonlySet<string> = new Set([
  'TOO_MANY_TABS',
  'TOO_MANY_STATES',
  'QUERY_TOO_LARGE',
]);

/** A request cache entry that answers with an error. */
class Refusal {
  constructor(readonly error: Error) {}
}

/** Takes the operation's admission for a step, once (see QueryEngine.holding). */
type Hold = (step: StepCost) => Promise<void>;

/** A value built for the request cache, and its estimated bytes. */
interface Built<T> {
  readonly value: T;
  readonly bytes: number;
}

/** What the Tabs' descriptions (name, type, bounds, clients) take beside their States. */
function tabsBytes(tabs: readonly SelectedTab[]): number {
  let bytes = 0;
  for (const tab of tabs) {
    bytes += 160 + 2 * tab.name.length + 8 * tab.bounds.length;
    for (const client of tab.clients ?? []) bytes += 24 + 2 * client.length;
  }
  return bytes;
}

export class QueryEngine {
  /** Which Tabs, with which clients, a filter selects. */
  private readonly tabs: TabResolver;

  constructor(private readonly options: QueryEngineOptions) {
    this.tabs = new TabResolver(options);
  }

  private parse(filter: FilterInput | null | undefined): Selection {
    return parseSelection(filter, this.options.limits);
  }

  private handler(type: TabTypeName): AnyTabHandler {
    return this.options.registry[type];
  }

  /**
   * Serves a request from the cache when the partitions it reads are unchanged, else builds the
   * entry. The versions are read before any data, so an entry never claims newer data than it has.
   */
  private async cached<T>(
    op: string,
    selection: Selection,
    build: (snapshot: Snapshot) => Promise<Built<T>>,
  ): Promise<T> {
    const snapshot = await this.tabs.snapshot(selection.names);
    const { partitions, versions } = snapshot;
    const key = `${op}|${selection.key}`;
    const hit = this.options.cache.lookup<T | Refusal>(key, partitions, versions);
    annotateActiveSpan({ 'taba.cache.hit': hit !== undefined });
    if (hit instanceof Refusal) throw hit.error;
    if (hit !== undefined) return hit;
    try {
      const { value, bytes } = await build(snapshot);
      this.options.cache.store(key, partitions, versions, value, bytes);
      return value;
    } catch (error) {
      // What the data alone decides is decided again at once while the data stays.
      if (isTabaError(error) && DATA_REFUSALS.has(error.reason)) {
        this.options.cache.store(key, partitions, versions, new Refusal(error), 256);
      }
      throw error;
    }
  }

  /**
   * Runs a read operation with one admission, taken by its first `hold` (later ones do
   * nothing) and held until the operation is done: from its State reads to its rendered answer.
   */
  private async holding<T>(run: (hold: Hold, waitUntil: number) => Promise<T>): Promise<T> {
    let release: (() => void) | undefined;
    // Every wait of the request together stays within TABA_QUERY_ADMISSION_WAIT_MS.
    const waitUntil = this.options.admission.deadline();
    const hold: Hold = async step => {
      if (!release) release = await this.options.admission.admit(step, waitUntil);
    };
    try {
      return await run(hold, waitUntil);
    } finally {
      release?.();
    }
  }

  /**
   * The restored States of each Tab's clients, as of the snapshot's versions, and their bytes:
   * held (admission) by their cost once the cache has said which are kept.
   */
  private async restored(
    reads: readonly TabRead[],
    snapshot: Snapshot,
    hold: Hold,
    weight: number,
  ): ReturnType<RestoredStates['fetch']> {
    const plan = await this.options.states.plan(reads, versionsOf(snapshot));
    const states = plan.kept + plan.missingStates;
    await hold({
      ...readCost(plan, weight),
      what: `reading ${states} States (${plan.missingStates} from Redis)`,
    });
    return this.options.states.fetch(plan);
  }

  /** Each Tab's State merged over its selected clients (the all-clients State without a filter). */
  private async mergedStates(
    tabs: readonly SelectedTab[],
    snapshot: Snapshot,
    hold: Hold,
    weight: number,
  ): Promise<Built<unknown[]>> {
    const reads = tabs.map(tab => ({ tab, clients: tab.clients ?? [ALL_CLIENTS] }));
    const { states: restored, bytes } = await this.restored(reads, snapshot, hold, weight);
    // A merge is no larger than its parts: their bytes bound it.
    const value = await inSpan('query.merge', { attributes: { 'taba.tabs': tabs.length } }, () =>
      mapInSlices(reads, ({ tab, clients }, i) => {
        const states = clients.map(client => restored[i]?.get(client));
        // One State is answered as it is: renders and merges never change it.
        if (states.length === 1) return states[0];
        const handler = this.handler(tab.type);
        const merged: unknown = handler.create(tab.params);
        for (const state of states) handler.merge(merged, state);
        return merged;
      }),
    );
    return { value, bytes };
  }

  private render(info: TabInfo, state: unknown, view: RenderView, mode: RenderModeName): string {
    return renderBody(this.handler(info.type), state, view, mode);
  }

  /** One Aggregate per selected Tab. */
  async aggregates(
    filter: FilterInput | null | undefined,
    mode: RenderModeName,
  ): Promise<RenderedTabReply[]> {
    const selection = this.parse(filter);
    const weight = renderWeight(mode);
    return this.holding(async (hold, waitUntil) => {
      const entry = await this.cached<AggregateEntry>('aggregates', selection, async snapshot => {
        const tabs = await this.tabs.resolve(
          selection,
          { listAllClients: false, limit: true },
          snapshot,
          waitUntil,
        );
        const states = await this.mergedStates(tabs, snapshot, hold, weight);
        return {
          value: { tabs: tabs.map((info, i) => ({ info, state: states.value[i] })) },
          bytes: states.bytes + tabsBytes(tabs),
        };
      });
      const units = entry.tabs.length * weight;
      await hold({ units, size: units, what: `rendering ${entry.tabs.length} Tabs` });
      return mapInSlices(entry.tabs, ({ info, state }) => ({
        name: info.name,
        type: info.type,
        body: this.render(info, state, 'aggregate', mode),
      }));
    });
  }

  /** Every selected client's State of each selected Tab, rendered as a projection. */
  async projections(
    filter: FilterInput | null | undefined,
    mode: RenderModeName,
  ): Promise<ProjectedTabReply[]> {
    const selection = this.parse(filter);
    const weight = renderWeight(mode);
    return this.holding(async (hold, waitUntil) => {
      const entry = await this.cached<ProjectionEntry>('projections', selection, async snapshot => {
        const tabs = await this.tabs.resolve(
          selection,
          { listAllClients: true, limit: true },
          snapshot,
          waitUntil,
        );
        const reads = tabs.map(tab => ({ tab, clients: tab.clients ?? [] }));
        const { states: restored, bytes } = await this.restored(reads, snapshot, hold, weight);
        return {
          value: {
            tabs: reads.map(({ tab, clients }, i) => ({
              info: tab,
              clients: clients.map(client => ({ client, state: restored[i]?.get(client) })),
            })),
          },
          bytes: bytes + tabsBytes(tabs),
        };
      });
      let bodies = 0;
      for (const tab of entry.tabs) bodies += tab.clients.length;
      const units = bodies * weight;
      await hold({ units, size: units, what: `rendering ${bodies} projections` });
      return mapInSlices(entry.tabs, ({ info, clients }) => ({
        name: info.name,
        type: info.type,
        clients: clients.map(({ client, state }) => ({
          clientId: client,
          body: this.render(info, state, 'projection', mode),
        })),
      }));
    });
  }

  /** Every selected Tab (one type; histograms with one set of bounds) merged into one. */
  async superAggregate(
    filter: FilterInput | null | undefined,
    mode: RenderModeName,
  ): Promise<SuperAggregateReply> {
    const selection = this.parse(filter);
    return this.holding(async (hold, waitUntil) => {
      const entry = await this.cached<SuperAggregateEntry>('super', selection, async snapshot => {
        const tabs = await this.tabs.resolve(
          selection,
          { listAllClients: false, limit: true },
          snapshot,
          waitUntil,
        );
        const first = tabs[0];
        if (!first) {
          throw new NotFoundError('NO_TABS', 'the filter selects no Tab to merge');
        }
        checkMergeable(tabs);
        const handler = this.handler(first.type);
        const merged: unknown = handler.create(first.params);
        const states = await this.mergedStates(tabs, snapshot, hold, 1);
        for (const state of states.value) handler.merge(merged, state);
        return {
          value: { info: first, names: tabs.map(tab => tab.name), state: merged },
          bytes: states.bytes + tabsBytes(tabs),
        };
      });
      await hold({ units: 1, size: 1, what: 'rendering a super-aggregate' });
      return {
        type: entry.info.type,
        names: [...entry.names],
        body: this.render(entry.info, entry.state, 'aggregate', mode),
      };
    });
  }

  /** Names of the selected Tabs (with a client filter: only Tabs those clients wrote). */
  async listNames(filter: FilterInput | null | undefined): Promise<string[]> {
    const selection = this.parse(filter);
    const tabs = await this.tabs.resolve(selection, { listAllClients: false, limit: false });
    return tabs.map(tab => tab.name);
  }

  /** The selected clients that wrote any selected Tab. */
  async listClients(filter: FilterInput | null | undefined): Promise<string[]> {
    const selection = this.parse(filter);
    const tabs = await this.tabs.resolve(selection, { listAllClients: true, limit: false });
    const clients = new Set(tabs.flatMap(tab => tab.clients ?? []));
    return [...clients].sort(compareCodePoints);
  }

  /** Name → type (and histogram bounds) of the selected Tabs. */
  async listTypes(filter: FilterInput | null | undefined): Promise<TabTypeReply[]> {
    const selection = this.parse(filter);
    const tabs = await this.tabs.resolve(selection, { listAllClients: false, limit: false });
    return tabs.map(tab => ({ name: tab.name, type: tab.type, bounds: [...tab.bounds] }));
  }

  /**
   * Deletes the selected Tabs with every key they have. Names (or patterns) are required and
   * clients are refused (a Tab is deleted whole); exact names that do not exist are skipped.
   */
  async deleteTabs(filter: FilterInput | null | undefined): Promise<string[]> {
    const selection = this.parse(filter);
    if (selection.names.kind === 'all') {
      throw new InvalidArgumentError(
        'NAMES_REQUIRED',
        'DeleteTabs needs at least one name (or pattern): an empty filter deletes nothing',
      );
    }
    if (filtersClients(selection)) {
      throw new InvalidArgumentError(
        'CLIENTS_NOT_ALLOWED',
        'DeleteTabs deletes whole Tabs: leave filter.clients empty',
      );
    }
    const tabs = await this.tabs.resolveNames(selection.names, 'skip', true);
    this.tabs.checkTabCount(tabs.length);
    const deleted = new Set(await this.options.store.deleteTabs(tabs));
    return tabs.map(tab => tab.name).filter(name => deleted.has(name));
  }
}
