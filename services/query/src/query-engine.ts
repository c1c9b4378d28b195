/**
 * The query operations: selection → Tabs (and their clients) → States → renders. No gRPC here
 * (server.ts adapts requests and replies); Redis only through TabStore.
 */
import type {
  AnyTabHandler,
  HandlerRegistry,
  RenderView,
  TabParams,
  TabTypeName,
} from '@taba/common';
import {
  ALL_CLIENTS,
  annotateActiveSpan,
  compareCodePoints,
  InvalidArgumentError,
  inSpan,
  isTabaError,
  NotFoundError,
  parseTabType,
  parseTypeSpec,
  ResourceExhaustedError,
} from '@taba/common';
import type { CatalogueReader } from './catalogue-reader.js';
import type { ClientLists } from './client-lists.js';
import type { CostAdmission, StepCost } from './cost-admission.js';
import type { MatchCache } from './match-cache.js';
import type { QueryCache } from './query-cache.js';
import type { RegexMatcher } from './regex-matcher.js';
import type { RenderModeName } from './render.js';
import { renderBody, renderWeight } from './render.js';
import type { FilterInput, Matcher, Selection, SelectionLimits } from './selection.js';
import { filtersClients, listSome, parseSelection } from './selection.js';
import { checkMergeable } from './super-aggregate.js';
import type { RestoredStates, TabRead } from './restored-states.js';
import type { SharedRead } from './shared-read.js';
import { readCost } from './restored-states.js';
import type { TabStore } from './tab-store.js';
import { mapInSlices } from './time-slices.js';

/** A selected Tab with its type. */
export interface TabInfo {
  readonly name: string;
  readonly partition: number;
  readonly type: TabTypeName;
  /** HISTOGRAM bounds; empty otherwise. */
  readonly bounds: readonly number[];
  readonly params: TabParams;
}

/** A selected Tab and the selected clients that wrote it (undefined: no client filter). */
export interface SelectedTab extends TabInfo {
  readonly clients: readonly string[] | undefined;
}

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

export interface QueryEngineOptions {
  readonly store: TabStore;
  readonly matcher: RegexMatcher;
  /** Outcomes of patterns over the catalogue's names. */
  readonly matches: MatchCache;
  readonly cache: QueryCache;
  /** The versions of every partition, read once for the requests of a moment. */
  readonly allVersions: SharedRead<readonly number[]>;
  /** The Tab catalogue that pattern and all-Tabs reads select from. */
  readonly catalogue: CatalogueReader;
  /** Admits the costly steps (client lists, State reads and renders) while their cost fits. */
  readonly admission: CostAdmission;
  /** The clients of Tabs, from the State cache or Redis. */
  readonly clientLists: ClientLists;
  /** Restored States, from the State cache or Redis. */
  readonly states: RestoredStates;
  readonly registry: HandlerRegistry;
  readonly limits: SelectionLimits & {
    /** TABA_MAX_TABS_PER_QUERY */
    readonly maxTabsPerQuery: number;
    /** States (a Tab of a client) one read may merge or project (TABA_MAX_STATES_PER_QUERY). */
    readonly maxStatesPerQuery: number;
  };
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

/** How a missing exact name is treated: reads fail NOT_FOUND, deletes skip it. */
type Missing = 'fail' | 'skip';

/**
 * What a request depends on, read before any data: the partitions (its exact names' own, or
 * all of them, in order) and their versions.
 */
interface Snapshot {
  readonly partitions: readonly number[];
  readonly versions: readonly number[];
}

function byName<T extends { readonly name: string }>(a: T, b: T): number {
  return compareCodePoints(a.name, b.name);
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

/** A partition's version in the snapshot (0 for one it does not hold). */
function versionsOf(snapshot: Snapshot): (partition: number) => number {
  const { partitions, versions } = snapshot;
  // Every partition, in order: the version is at the partition's own index.
  if (
    partitions.length === versions.length &&
    partitions[partitions.length - 1] === partitions.length - 1
  ) {
    return partition => versions[partition] ?? 0;
  }
  const byPartition = new Map(partitions.map((partition, i) => [partition, versions[i] ?? 0]));
  return partition => byPartition.get(partition) ?? 0;
}

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

/** The States a read of the Tabs handles: one per selected client, or the all-clients one. */
function stateCount(tabs: readonly SelectedTab[]): number {
  let count = 0;
  for (const tab of tabs) count += tab.clients?.length ?? 1;
  return count;
}

export class QueryEngine {
  constructor(private readonly options: QueryEngineOptions) {}

  private get store(): TabStore {
    return this.options.store;
  }

  private parse(filter: FilterInput | null | undefined): Selection {
    return parseSelection(filter, this.options.limits);
  }

  private handler(type: TabTypeName): AnyTabHandler {
    return this.options.registry[type];
  }

  /** The partitions a selection reads: the named Tabs' own, or all of them. */
  private partitionsFor(names: Matcher): number[] {
    if (names.kind !== 'exact') return this.store.allPartitions();
    const partitions = new Set(names.values.map(name => this.store.partitionOf(name)));
    return [...partitions].sort((a, b) => a - b);
  }

  private checkTabCount(count: number): void {
    const max = this.options.limits.maxTabsPerQuery;
    if (count > max) {
      throw new ResourceExhaustedError(
        'TOO_MANY_TABS',
        `the filter selects ${count} Tabs; one query may read or delete at most ${max} (TABA_MAX_TABS_PER_QUERY): narrow the names or patterns`,
      );
    }
  }

  /** Refuses a read of more States than TABA_MAX_STATES_PER_QUERY, before any is read. */
  private checkStateCount(tabs: readonly SelectedTab[]): void {
    const count = stateCount(tabs);
    const max = this.options.limits.maxStatesPerQuery;
    if (count > max) {
      throw new ResourceExhaustedError(
        'TOO_MANY_STATES',
        `the filter selects ${count} States (a Tab of a client); one query may read at most ${max} (TABA_MAX_STATES_PER_QUERY): narrow the names or clients`,
      );
    }
  }

  private tabInfo(name: string, spec: string, partition: number): TabInfo {
    const parsed = parseTypeSpec(spec);
    const type = parseTabType(parsed.type);
    if (!type) throw new Error(`Tab ${name} has an unknown stored type spec "${spec}"`);
    const bounds = type === 'HISTOGRAM' ? parsed.bounds : [];
    return { name, partition, type, bounds, params: type === 'HISTOGRAM' ? { bounds } : {} };
  }

  /** Reads the versions a selection depends on (before any of its data). */
  private async snapshot(names: Matcher): Promise<Snapshot> {
    const partitions = this.partitionsFor(names);
    // Every partition: one read shared with the other requests of the moment.
    const versions =
      names.kind === 'exact'
        ? await this.store.versions(partitions)
        : await this.options.allVersions.read();
    return { partitions, versions };
  }

  /**
   * Runs a costly step once `cost` units are admitted (OVERLOADED when they are not in time);
   * the units are held until the step is done.
   */
  private async admitted<T>(
    cost: number,
    what: string,
    waitUntil: number,
    step: () => Promise<T>,
  ): Promise<T> {
    const release = await this.options.admission.admit(
      { units: cost, size: cost, what },
      waitUntil,
    );
    try {
      return await step();
    } finally {
      release();
    }
  }

  /**
   * The Tabs the names select, sorted by name: exact names from their partitions' `types`,
   * patterns and all-Tabs from the catalogue as of the snapshot (one is read when not given).
   */
  private async resolveNames(
    names: Matcher,
    missing: Missing,
    limit: boolean,
    snapshot?: Snapshot,
  ): Promise<TabInfo[]> {
    if (names.kind === 'exact') {
      if (limit) this.checkTabCount(names.values.length);
      const specs = await this.store.typesOf(names.values);
      const unknown = names.values.filter(name => specs.get(name) === null);
      if (unknown.length > 0 && missing === 'fail') {
        throw new NotFoundError('UNKNOWN_TAB', `no Tab named ${listSome(unknown, 10)}`);
      }
      return names.values
        .filter(name => specs.get(name) !== null)
        .map(name => this.tabInfo(name, specs.get(name) ?? '', this.store.partitionOf(name)))
        .sort(byName);
    }
    const { versions } = snapshot ?? (await this.snapshot(names));
    const catalogue = await this.options.catalogue.refresh(versions);
    // Already in code-point order; a match keeps the order of its candidates.
    let selected = catalogue.names();
    if (names.kind === 'regex') selected = await this.matchNames(names.patterns, selected);
    const tabs: TabInfo[] = [];
    for (const name of selected) {
      // A Tab deleted while the patterns were matched is gone from the catalogue: skip it.
      const entry = catalogue.entry(name);
      if (entry) tabs.push(this.tabInfo(name, entry.spec, entry.partition));
    }
    return tabs;
  }

  /** The catalogue names the patterns match: kept outcomes first, else a matching worker. */
  private async matchNames(
    patterns: readonly string[],
    names: readonly string[],
  ): Promise<readonly string[]> {
    const { matches } = this.options;
    const kept = matches.lookup(patterns, names);
    if (kept && 'refused' in kept) throw kept.refused;
    if (kept) return kept.matched;
    try {
      this.options.matcher.keep(names);
      const matched = await this.options.matcher.match(patterns, names);
      matches.store(patterns, names, { matched });
      return matched;
    } catch (error) {
      if (error instanceof Error) matches.store(patterns, names, { refused: error });
      throw error;
    }
  }

  /**
   * Adds the selected clients of each Tab. Without a client filter, `clients` stays undefined
   * unless `listAll` (then every client that wrote the Tab). With one, Tabs that no selected
   * client wrote are dropped, except Tabs named exactly (they are answered, over no client).
   */
  private async resolveClients(
    selection: Selection,
    tabs: readonly TabInfo[],
    listAll: boolean,
    snapshot: Snapshot | undefined,
    waitUntil: number,
  ): Promise<SelectedTab[]> {
    const { clients } = selection;
    const clientsOfTabs = async () => {
      if (!snapshot) {
        return this.admitted(
          tabs.length,
          `listing the clients of ${tabs.length} Tabs`,
          waitUntil,
          () => this.store.clientsOf(tabs),
        );
      }
      // Lists kept at the snapshot's versions cost nothing; only the others are read.
      const versionOf = versionsOf(snapshot);
      const plan = this.options.clientLists.plan(tabs, versionOf);
      const misses = plan.missing.length;
      return this.admitted(misses, `listing the clients of ${misses} Tabs`, waitUntil, () =>
        this.options.clientLists.fetch(plan, versionOf),
      );
    };
    let clientsOf: Map<string, readonly string[]>;
    if (clients.kind === 'all') {
      if (!listAll) return tabs.map(tab => ({ ...tab, clients: undefined }));
      clientsOf = await clientsOfTabs();
    } else if (clients.kind === 'exact') {
      const partitions = [...new Set(tabs.map(tab => tab.partition))].sort((a, b) => a - b);
      const sets = partitions.length * clients.values.length;
      if (sets <= tabs.length) {
        // Each client's Tabs in each partition: fewer sets than the Tabs' clients.
        clientsOf = await this.admitted(
          sets,
          `reading ${sets} Tab sets of clients`,
          waitUntil,
          () => this.store.tabsOfClients(partitions, clients.values),
        );
      } else {
        // Many clients over many partitions: each Tab's clients, kept when selected.
        const wanted = new Set(clients.values);
        const all = await clientsOfTabs();
        clientsOf = new Map(
          [...all].map(([tab, list]) => [tab, list.filter(client => wanted.has(client))]),
        );
      }
    } else {
      const all = await clientsOfTabs();
      const distinct = [...new Set([...all.values()].flat())];
      const matched = new Set(await this.options.matcher.match(clients.patterns, distinct));
      clientsOf = new Map(
        [...all].map(([tab, list]) => [tab, list.filter(client => matched.has(client))]),
      );
    }
    const keepUnwritten = selection.names.kind === 'exact';
    return tabs
      .map(tab => ({
        ...tab,
        clients: [...(clientsOf.get(tab.name) ?? [])].sort(compareCodePoints),
      }))
      .filter(tab => keepUnwritten || clients.kind === 'all' || tab.clients.length > 0);
  }

  private async resolve(
    selection: Selection,
    options: { listAllClients: boolean; limit: boolean },
    snapshot?: Snapshot,
    waitUntil?: number,
  ): Promise<SelectedTab[]> {
    return inSpan('query.resolve', {}, async span => {
      const named = await this.resolveNames(selection.names, 'fail', options.limit, snapshot);
      if (options.limit && !filtersClients(selection)) this.checkTabCount(named.length);
      const tabs = await this.resolveClients(
        selection,
        named,
        options.listAllClients,
        snapshot,
        waitUntil ?? this.options.admission.deadline(),
      );
      if (options.limit) {
        this.checkTabCount(tabs.length);
        this.checkStateCount(tabs);
      }
      span.setAttribute('taba.tabs', tabs.length);
      return tabs;
    });
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
    const snapshot = await this.snapshot(selection.names);
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
        const tabs = await this.resolve(
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
        const tabs = await this.resolve(
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
        const tabs = await this.resolve(
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
    const tabs = await this.resolve(selection, { listAllClients: false, limit: false });
    return tabs.map(tab => tab.name);
  }

  /** The selected clients that wrote any selected Tab. */
  async listClients(filter: FilterInput | null | undefined): Promise<string[]> {
    const selection = this.parse(filter);
    const tabs = await this.resolve(selection, { listAllClients: true, limit: false });
    const clients = new Set(tabs.flatMap(tab => tab.clients ?? []));
    return [...clients].sort(compareCodePoints);
  }

  /** Name → type (and histogram bounds) of the selected Tabs. */
  async listTypes(filter: FilterInput | null | undefined): Promise<TabTypeReply[]> {
    const selection = this.parse(filter);
    const tabs = await this.resolve(selection, { listAllClients: false, limit: false });
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
    const tabs = await this.resolveNames(selection.names, 'skip', true);
    this.checkTabCount(tabs.length);
    const deleted = new Set(await this.store.deleteTabs(tabs));
    return tabs.map(tab => tab.name).filter(name => deleted.has(name));
  }
}
