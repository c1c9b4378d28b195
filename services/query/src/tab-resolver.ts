/**
 * Selection → Tabs: which Tabs a filter selects (exact names from their partitions, patterns and
 * all-Tabs from the catalogue), with their types and the selected clients that wrote them, and
 * the partition versions a read depends on. The query operations (query-engine.ts) read and
 * render what this resolves.
 */
import type { TabParams, TabTypeName } from '@taba/common';
import {
  compareCodePoints,
  inSpan,
  NotFoundError,
  parseTabType,
  parseTypeSpec,
  ResourceExhaustedError,
} from '@taba/common';
import type { CatalogueReader } from './catalogue-reader.js';
import type { ClientLists } from './client-lists.js';
import type { CostAdmission } from './cost-admission.js';
import type { MatchCache } from './match-cache.js';
import type { RegexMatcher } from './regex-matcher.js';
import type { Matcher, Selection, SelectionLimits } from './selection.js';
import { filtersClients, listSome } from './selection.js';
import type { SharedRead } from './shared-read.js';
import type { TabStore } from './tab-store.js';

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

/** How a missing exact name is treated: reads fail NOT_FOUND, deletes skip it. */
export type Missing = 'fail' | 'skip';

/**
 * What a request depends on, read before any data: the partitions (its exact names' own, or
 * all of them, in order) and their versions.
 */
export interface Snapshot {
  readonly partitions: readonly number[];
  readonly versions: readonly number[];
}

function byName<T extends { readonly name: string }>(a: T, b: T): number {
  return compareCodePoints(a.name, b.name);
}

/** A partition's version in the snapshot (0 for one it does not hold). */
export function versionsOf(snapshot: Snapshot): (partition: number) => number {
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

/** The States a read of the Tabs handles: one per selected client, or the all-clients one. */
function stateCount(tabs: readonly SelectedTab[]): number {
  let count = 0;
  for (const tab of tabs) count += tab.clients?.length ?? 1;
  return count;
}

export interface TabResolverOptions {
  readonly store: TabStore;
  readonly matcher: RegexMatcher;
  /** Outcomes of patterns over the catalogue's names. */
  readonly matches: MatchCache;
  /** The versions of every partition, read once for the requests of a moment. */
  readonly allVersions: SharedRead<readonly number[]>;
  /** The Tab catalogue that pattern and all-Tabs reads select from. */
  readonly catalogue: CatalogueReader;
  /** Admits the client listings while their cost fits. */
  readonly admission: CostAdmission;
  /** The clients of Tabs, from the State cache or Redis. */
  readonly clientLists: ClientLists;
  readonly limits: SelectionLimits & {
    /** TABA_MAX_TABS_PER_QUERY */
    readonly maxTabsPerQuery: number;
    /** States (a Tab of a client) one read may merge or project (TABA_MAX_STATES_PER_QUERY). */
    readonly maxStatesPerQuery: number;
  };
}

export class TabResolver {
  constructor(private readonly options: TabResolverOptions) {}

  private get store(): TabStore {
    return this.options.store;
  }

  /** The partitions a selection reads: the named Tabs' own, or all of them. */
  private partitionsFor(names: Matcher): number[] {
    if (names.kind !== 'exact') return this.store.allPartitions();
    const partitions = new Set(names.values.map(name => this.store.partitionOf(name)));
    return [...partitions].sort((a, b) => a - b);
  }

  checkTabCount(count: number): void {
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
  async snapshot(names: Matcher): Promise<Snapshot> {
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
  async resolveNames(
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

  async resolve(
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
}
