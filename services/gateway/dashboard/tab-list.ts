// The Tabs view's list: every name and type from GET /v1/types, narrowed by type, sorted and
// cut into pages, so only one page's counts are ever asked for. Pure, unit-tested.

export interface TabEntry {
  readonly name: string;
  /** Taba's spelling, e.g. CounterGroup; a Histogram's object answer is shown as Histogram. */
  readonly type: string;
}

export const PAGE_SIZE = 50;

/** The entries of a `/v1/types` answer (`{"<name>": "CounterGroup" | {"type": …, "bounds": …}}`). */
export function tabEntries(types: unknown): TabEntry[] {
  if (typeof types !== 'object' || types === null) return [];
  return Object.entries(types).map(([name, type]) => ({
    name,
    type:
      typeof type === 'string'
        ? type
        : typeof type === 'object' && type !== null && 'type' in type
          ? String(type.type)
          : 'unknown',
  }));
}

export type TabSortKey = 'name' | 'type';

export interface TabListQuery {
  /** An exact type, or '' for every type. */
  readonly type: string;
  readonly sort: TabSortKey;
  readonly ascending: boolean;
  /** Zero-based. */
  readonly page: number;
}

export interface TabPage {
  readonly entries: readonly TabEntry[];
  /** Entries after the type filter, over every page. */
  readonly matching: number;
  readonly page: number;
  readonly pages: number;
}

export function tabPage(all: readonly TabEntry[], query: TabListQuery): TabPage {
  const sign = query.ascending ? 1 : -1;
  const matching = all
    .filter(entry => query.type === '' || entry.type === query.type)
    .sort((a, b) => {
      const byKey = query.sort === 'type' ? a.type.localeCompare(b.type) : 0;
      return sign * (byKey !== 0 ? byKey : a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
    });
  const pages = Math.max(1, Math.ceil(matching.length / PAGE_SIZE));
  const page = Math.min(Math.max(0, query.page), pages - 1);
  return {
    entries: matching.slice(page * PAGE_SIZE, (page + 1) * PAGE_SIZE),
    matching: matching.length,
    page,
    pages,
  };
}

/** The types present, sorted, for the type selector. */
export function typesPresent(all: readonly TabEntry[]): string[] {
  return [...new Set(all.map(entry => entry.type))].sort();
}
