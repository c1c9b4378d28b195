// The Tab view: one Tab's Aggregate over every client or a chosen set, live: the DETAIL render
// (GET /v1/tabs?detail=1) and the per-client projection (GET /v1/projections) every second,
// the client list (GET /v1/clients) every few seconds.
import { ApiError, apiGet } from '../api.js';
import { cliCommand } from '../cli-command.js';
import { h, replace } from '../dom.js';
import { formatRoute } from '../hash-route.js';
import { isAbort, poll } from '../poller.js';
import { projectionTable } from '../render-view.js';
import type { Unmount, ViewContext } from './context.js';
import { gatewayOption } from './context.js';
import { renderPanel } from './render-panel.js';
import type { SortState } from './widgets.js';
import { sortableTable } from './widgets.js';

const RENDER_EVERY_MS = 1000;
const CLIENTS_EVERY_MS = 5000;

export function mountTab(
  root: HTMLElement,
  name: string,
  chosen: readonly string[],
  context: ViewContext,
): Unmount {
  const selected = new Set(chosen);
  let known: string[] = [];
  let projection: unknown;
  const projectionSort: SortState = { column: 0, ascending: true };
  const typeLine = h('p', { class: 'summary', attrs: { 'data-testid': 'tab-type' } });
  const clientBox = h('fieldset', { class: 'clients' });
  const projectionSlot = h('div', { attrs: { 'data-testid': 'projection' } });
  const panel = renderPanel(() => drawProjection());
  replace(
    root,
    h('h2', {}, 'Tab ', h('code', { attrs: { 'data-testid': 'tab-name' } }, name)),
    typeLine,
    clientBox,
    panel.element,
    projectionSlot,
  );

  const clients = () => [...selected].sort();
  const keepRoute = () =>
    history.replaceState(null, '', formatRoute({ view: 'tab', name, clients: clients() }));

  function drawClients(): void {
    const names = [...new Set([...known, ...selected])].sort();
    replace(
      clientBox,
      h('legend', {}, selected.size === 0 ? 'clients: all' : `clients: ${selected.size} chosen`),
      ...names.map(client => {
        const box = h('input', {
          attrs: selected.has(client)
            ? { type: 'checkbox', checked: '', value: client }
            : { type: 'checkbox', value: client },
          on: {
            change: () => {
              if (box.checked) selected.add(client);
              else selected.delete(client);
              keepRoute();
              drawClients();
            },
          },
        });
        return h('label', {}, box, ' ', client);
      }),
    );
  }

  function drawProjection(): void {
    if (projection === undefined) {
      replace(projectionSlot);
      return;
    }
    const table = projectionTable(projection, panel.window());
    replace(projectionSlot, sortableTable(table, projectionSort, drawProjection));
  }

  async function loadRender(signal: AbortSignal): Promise<void> {
    const filter = { name, client: clients() };
    try {
      const [detail, projections] = await Promise.all([
        apiGet('/v1/tabs', { ...filter, detail: true }, signal),
        apiGet('/v1/projections', filter, signal),
      ]);
      const render = (detail as Record<string, unknown>)[name];
      projection = (projections as Record<string, unknown>)[name];
      // A client that wrote since the client list was read shows at once.
      const writers =
        typeof projection === 'object' && projection !== null ? Object.keys(projection) : [];
      if (writers.some(client => !known.includes(client))) {
        known = [...new Set([...known, ...writers])];
        drawClients();
      }
      const command = cliCommand({
        command: 'agg',
        names: [name],
        clients: clients(),
        regex: false,
        detail: true,
        ...gatewayOption(context),
      });
      panel.show(render, detail, command);
      drawProjection();
      context.errors.clear('render');
    } catch (error) {
      if (isAbort(error, signal)) return;
      context.errors.report('render', error);
      if (error instanceof ApiError && error.status === 404) {
        projection = undefined;
        drawProjection();
        panel.empty(`There is no Tab named “${name}” (for these clients): ${error.message}.`);
      }
    }
  }

  async function loadMeta(signal: AbortSignal): Promise<void> {
    try {
      const [types, list] = await Promise.all([
        apiGet('/v1/types', { name }, signal),
        apiGet('/v1/clients', { name }, signal),
      ]);
      const type = (types as Record<string, unknown>)[name];
      typeLine.textContent =
        type === undefined ? 'unknown Tab' : typeof type === 'string' ? type : JSON.stringify(type);
      known = Array.isArray(list) ? list.map(String) : [];
      drawClients();
      context.errors.clear('meta');
    } catch (error) {
      if (!isAbort(error, signal)) context.errors.report('meta', error);
    }
  }

  drawClients();
  const stops = [poll(loadRender, RENDER_EVERY_MS), poll(loadMeta, CLIENTS_EVERY_MS)];
  return () => {
    for (const stop of stops) stop();
  };
}
