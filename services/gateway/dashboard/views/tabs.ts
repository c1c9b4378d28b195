// The Tabs view: every Tab with its type, clients and last-minute count; searched by regex (the
// query service's bounded patterns, GET /v1/types?name=…&re=1) and by type, sorted, paged.
// Only the visible page's counts are read: one GetAggregates for its names every second, and
// its client lists every few seconds, so 30,000 Tabs cost one list and 50 rows.
import { apiGet } from '../api.js';
import { formatNumber, h, replace } from '../dom.js';
import { formatRoute } from '../hash-route.js';
import { isAbort, poll } from '../poller.js';
import { lastMinuteCount } from '../render-view.js';
import type { TabEntry, TabListQuery, TabSortKey } from '../tab-list.js';
import { tabEntries, tabPage, typesPresent } from '../tab-list.js';
import type { Unmount, ViewContext } from './context.js';

const COUNTS_EVERY_MS = 1000;
const LIST_EVERY_MS = 5000;
/** The list is read again after at least this many times as long as it took (30,000 Tabs: ~0.3 s). */
const LIST_COST_FACTOR = 20;
const CLIENTS_EVERY_MS = 5000;
/** How often the list and the clients pollers look whether they are due. */
const TICK_MS = 1000;
/** `/v1/clients` calls in flight at once (the query service admits 64 by default). */
const CLIENT_CALLS = 8;
const SEARCH_DEBOUNCE_MS = 300;

type PageSort = 'clients' | 'count';

export function mountTabs(root: HTMLElement, search: string, context: ViewContext): Unmount {
  let entries: TabEntry[] = [];
  let loaded = false;
  const query: { -readonly [K in keyof TabListQuery]: TabListQuery[K] } = {
    type: '',
    sort: 'name',
    ascending: true,
    page: 0,
  };
  // Counts and clients are known for the visible page only: sorting by them sorts that page.
  let pageSort: { key: PageSort; ascending: boolean } | undefined;
  const counts = new Map<string, number | undefined>();
  const clients = new Map<string, number>();

  const searchInput = h('input', {
    attrs: {
      type: 'search',
      placeholder: 'regex over names, e.g. ^bid\\.',
      'aria-label': 'search Tabs by regex',
      'data-testid': 'tab-search',
      value: search,
    },
  });
  const typeSelect = h('select', { attrs: { 'aria-label': 'type', 'data-testid': 'type-filter' } });
  const summary = h('p', { class: 'summary', attrs: { 'data-testid': 'tabs-summary' } });
  const body = h('tbody');
  const head = h('thead');
  const pager = h('nav', { class: 'pager' });
  replace(
    root,
    h('h2', {}, 'Tabs'),
    h('div', { class: 'controls' }, searchInput, typeSelect),
    summary,
    h('table', { class: 'tabs', attrs: { 'data-testid': 'tabs-table' } }, head, body),
    pager,
  );

  const currentPage = () => tabPage(entries, query);
  /** The search the list follows: the field's text once typing paused. */
  let searchPattern = search;
  let clientsDueAt = 0;
  const clientsNow = () => {
    clientsDueAt = 0;
  };

  const header = (label: string, onSort: () => void, marker: string) =>
    h('th', { on: { click: onSort } }, label, marker);
  const byList = (key: TabSortKey) => () => {
    query.ascending = query.sort === key && pageSort === undefined ? !query.ascending : true;
    query.sort = key;
    // A new order starts at its first page.
    query.page = 0;
    pageSort = undefined;
    draw();
    clientsNow();
  };
  const byPage = (key: PageSort) => () => {
    pageSort = { key, ascending: pageSort?.key === key ? !pageSort.ascending : false };
    draw();
  };
  const marker = (active: boolean, ascending: boolean) => (active ? (ascending ? ' ▲' : ' ▼') : '');

  function draw(): void {
    const page = currentPage();
    const listSorted = pageSort === undefined;
    replace(
      head,
      h(
        'tr',
        {},
        header(
          'name',
          byList('name'),
          marker(listSorted && query.sort === 'name', query.ascending),
        ),
        header(
          'type',
          byList('type'),
          marker(listSorted && query.sort === 'type', query.ascending),
        ),
        header(
          'clients',
          byPage('clients'),
          marker(pageSort?.key === 'clients', pageSort?.ascending ?? false),
        ),
        header(
          'last minute',
          byPage('count'),
          marker(pageSort?.key === 'count', pageSort?.ascending ?? false),
        ),
      ),
    );
    let rows = [...page.entries];
    if (pageSort !== undefined) {
      const { key, ascending } = pageSort;
      const value = (entry: TabEntry) =>
        (key === 'count' ? counts.get(entry.name) : clients.get(entry.name)) ?? -1;
      rows = rows.sort((a, b) => (ascending ? 1 : -1) * (value(a) - value(b)));
    }
    replace(
      body,
      ...rows.map(entry => {
        const count = counts.get(entry.name);
        const clientCount = clients.get(entry.name);
        return h(
          'tr',
          { attrs: { 'data-tab': entry.name } },
          h(
            'td',
            {},
            h(
              'a',
              { attrs: { href: formatRoute({ view: 'tab', name: entry.name, clients: [] }) } },
              entry.name,
            ),
          ),
          h('td', {}, entry.type),
          h(
            'td',
            { attrs: { 'data-col': 'clients' } },
            clientCount === undefined ? '…' : formatNumber(clientCount),
          ),
          h(
            'td',
            { attrs: { 'data-col': 'count' } },
            count === undefined ? '…' : formatNumber(count),
          ),
        );
      }),
    );
    const matched = listedPattern ? ` matching /${listedPattern}/` : '';
    const typed =
      query.type === '' ? '' : ` of type ${query.type}, of ${formatNumber(entries.length)}`;
    summary.textContent = loaded
      ? `${formatNumber(page.matching)} Tab${page.matching === 1 ? '' : 's'}${matched}${typed}`
      : 'loading…';
    replace(
      pager,
      h(
        'button',
        { attrs: page.page === 0 ? { disabled: '' } : {}, on: { click: () => turn(-1) } },
        '‹ previous',
      ),
      ` page ${page.page + 1} of ${page.pages} `,
      h(
        'button',
        {
          attrs: page.page + 1 >= page.pages ? { disabled: '' } : {},
          on: { click: () => turn(1) },
        },
        'next ›',
      ),
    );
  }

  function drawTypes(): void {
    const chosen = query.type;
    replace(
      typeSelect,
      h('option', { attrs: { value: '' } }, 'every type'),
      ...typesPresent(entries).map(type =>
        h(
          'option',
          { attrs: type === chosen ? { value: type, selected: '' } : { value: type } },
          type,
        ),
      ),
    );
  }

  function turn(step: number): void {
    query.page = currentPage().page + step;
    draw();
    clientsNow();
  }

  // Each kind of call runs from one poller, so two of a kind never overlap; a search, a new
  // page or a new order only makes the next tick (within a second) load at once.
  let listDueAt = 0;
  let listedPattern: string | undefined;

  /** The list, no sooner than LIST_COST_FACTOR times its last cost unless the search changed. */
  async function refreshList(signal: AbortSignal): Promise<void> {
    const pattern = searchPattern;
    if (pattern === listedPattern && performance.now() < listDueAt) return;
    const started = performance.now();
    try {
      const types = await apiGet(
        '/v1/types',
        pattern === '' ? {} : { name: pattern, re: true },
        signal,
      );
      const took = performance.now() - started;
      listDueAt = performance.now() + Math.max(LIST_EVERY_MS, LIST_COST_FACTOR * took);
      if (pattern !== listedPattern) clientsDueAt = 0;
      listedPattern = pattern;
      entries = tabEntries(types);
      loaded = true;
      context.errors.clear('list');
      drawTypes();
      draw();
    } catch (error) {
      if (!isAbort(error, signal)) context.errors.report('list', error);
    }
  }

  async function loadCounts(signal: AbortSignal): Promise<void> {
    const names = currentPage().entries.map(entry => entry.name);
    if (names.length === 0) return;
    try {
      const tabs = (await apiGet('/v1/tabs', { name: names }, signal)) as Record<string, unknown>;
      for (const name of names) counts.set(name, lastMinuteCount(tabs[name]));
      context.errors.clear('counts');
      draw();
    } catch (error) {
      if (!isAbort(error, signal)) context.errors.report('counts', error);
    }
  }

  /** The page's client counts, CLIENT_CALLS at a time, every CLIENTS_EVERY_MS or when due. */
  async function refreshClients(signal: AbortSignal): Promise<void> {
    if (!loaded || performance.now() < clientsDueAt) return;
    clientsDueAt = performance.now() + CLIENTS_EVERY_MS;
    const names = currentPage().entries.map(entry => entry.name);
    try {
      for (let start = 0; start < names.length; start += CLIENT_CALLS) {
        await Promise.all(
          names.slice(start, start + CLIENT_CALLS).map(async name => {
            const list = await apiGet('/v1/clients', { name }, signal);
            if (Array.isArray(list)) clients.set(name, list.length);
          }),
        );
      }
      context.errors.clear('clients');
      draw();
    } catch (error) {
      if (!isAbort(error, signal)) context.errors.report('clients', error);
    }
  }

  const stops = [
    poll(refreshList, TICK_MS),
    poll(loadCounts, COUNTS_EVERY_MS),
    poll(refreshClients, TICK_MS),
  ];
  let debounce: ReturnType<typeof setTimeout> | undefined;
  searchInput.addEventListener('input', () => {
    clearTimeout(debounce);
    debounce = setTimeout(() => {
      searchPattern = searchInput.value;
      history.replaceState(null, '', formatRoute({ view: 'tabs', search: searchPattern }));
      query.page = 0;
    }, SEARCH_DEBOUNCE_MS);
  });
  typeSelect.addEventListener('change', () => {
    query.type = typeSelect.value;
    query.page = 0;
    draw();
    clientsNow();
  });
  draw();

  return () => {
    clearTimeout(debounce);
    for (const stop of stops) stop();
  };
}
