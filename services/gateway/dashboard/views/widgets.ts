// Pieces the views share: a sortable table, a copyable block, the window selector and the
// figures, plots and tables of one render.
import { plotElement } from '../chart.js';
import { formatNumber, h } from '../dom.js';
import type { RenderView, Table, Window } from '../render-view.js';
import { sortRows, WINDOWS } from '../render-view.js';

export interface SortState {
  column: number;
  ascending: boolean;
}

/** A table whose headers sort it (click again to reverse); `sort` survives redraws. */
export function sortableTable(table: Table, sort: SortState, redraw: () => void): HTMLElement {
  const rows = sortRows(table.rows, sort.column, sort.ascending);
  const head = table.columns.map((column, i) =>
    h(
      'th',
      {
        attrs: {
          'aria-sort': i === sort.column ? (sort.ascending ? 'ascending' : 'descending') : 'none',
        },
        on: {
          click: () => {
            sort.ascending = i === sort.column ? !sort.ascending : true;
            sort.column = i;
            redraw();
          },
        },
      },
      column,
      i === sort.column ? (sort.ascending ? ' ▲' : ' ▼') : '',
    ),
  );
  return h(
    'section',
    { class: 'table' },
    h('h3', {}, table.title),
    h(
      'table',
      {},
      h('thead', {}, h('tr', {}, ...head)),
      h(
        'tbody',
        {},
        ...rows.map(row => h('tr', {}, ...row.map(cell => h('td', {}, formatNumber(cell))))),
      ),
    ),
  );
}

/** A titled `<pre>` with a button that copies it. */
export function copyable(title: string, text: string, testId: string): HTMLElement {
  const pre = h('pre', { attrs: { 'data-testid': testId } }, text);
  const button = h(
    'button',
    {
      on: {
        click: () => {
          navigator.clipboard.writeText(pre.textContent ?? '').then(
            () => {
              button.textContent = 'copied';
            },
            () => {
              // No clipboard (permissions): select the text so Ctrl-C copies it.
              getSelection()?.selectAllChildren(pre);
            },
          );
        },
      },
    },
    'copy',
  );
  return h('section', { class: 'copyable' }, h('h3', {}, title, ' ', button), pre);
}

export function windowSelector(current: Window, choose: (window: Window) => void): HTMLElement {
  return h(
    'div',
    { class: 'windows', attrs: { role: 'group', 'aria-label': 'window' } },
    ...WINDOWS.map(window =>
      h(
        'button',
        {
          class: window === current ? 'selected' : '',
          attrs: { 'aria-pressed': String(window === current), 'data-window': window },
          on: { click: () => choose(window) },
        },
        window,
      ),
    ),
  );
}

/** The headline figures, then the plots, then the tables of a render. */
export function renderSection(
  view: RenderView,
  sorts: SortState[],
  redraw: () => void,
): HTMLElement {
  const figures = h(
    'dl',
    { class: 'figures' },
    ...view.figures.map(figure =>
      h(
        'div',
        { attrs: { 'data-figure': figure.label } },
        h('dt', {}, figure.label),
        h('dd', {}, formatNumber(figure.value)),
      ),
    ),
  );
  // Each table keeps its order across redraws: `sorts` outlives this render.
  const tables = view.tables.map((table, i) => {
    const sort = sorts[i] ?? { column: 0, ascending: true };
    sorts[i] = sort;
    return sortableTable(table, sort, redraw);
  });
  return h(
    'section',
    { class: 'render' },
    figures,
    h('div', { class: 'plots' }, ...view.plots.map(plotElement)),
    ...tables,
  );
}
