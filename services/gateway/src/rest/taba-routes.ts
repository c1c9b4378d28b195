import { InvalidArgumentError, renderText } from '@taba/common';
import { statusFor } from '../status.js';
import { decodeJsonBody } from './body-text.js';
import { postLineBody } from './line-posting.js';
import { parseRender, typeName } from './responses.js';
import type { RestReply, RestRequest, Route } from './routes.js';
import type { TabaFormat, TabaParam } from './taba-params.js';
import {
  bodyParams,
  queryParams,
  TABA_CLIENTS_PARAMS,
  TABA_DELETE_PARAMS,
  TABA_NAMES_PARAMS,
  TABA_READ_PARAMS,
  TABA_TYPES_PARAMS,
  tabaFilter,
  tabaFormat,
} from './taba-params.js';
import { tabaAggregate, tabaProjection } from './taba-renders.js';

/**
 * TellApart Taba's own HTTP API on its own paths (docs/taba-compatibility.md), so a client or
 * script written for Taba switches by changing the URL: its parameters, its text output (the
 * default) and its JSON render shapes. `/v1/…` keeps ours. Every path takes GET and POST (as
 * Taba's did) with the scope of what it does, whatever the method.
 */

function reply(format: TabaFormat, body: string): RestReply {
  return { status: 200, contentType: format === 'text' ? 'text/plain' : 'application/json', body };
}

/** Parameters from the query string, or else from a JSON object body (POST), as Taba read them. */
async function paramsOf(
  request: RestRequest,
  allowed: readonly TabaParam[],
): Promise<Map<string, string>> {
  const params = queryParams(request.search, allowed);
  if (request.method !== 'POST') return params;
  const bytes = await request.body();
  if (bytes.length === 0) return params;
  let body: unknown;
  try {
    body = JSON.parse(decodeJsonBody(bytes, request.contentType)) as unknown;
  } catch (error) {
    if (!(error instanceof SyntaxError)) throw error;
    throw new InvalidArgumentError('INVALID_JSON', `the body is not valid JSON: ${error.message}`);
  }
  // The query string wins, as in Taba.
  return new Map([...bodyParams(body, allowed), ...params]);
}

function byKey<T>(entries: readonly T[], key: (entry: T) => string): T[] {
  return [...entries].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
}

function scoped(scope: 'read' | 'admin', handler: Route): Route {
  return Object.assign(handler, { scope });
}

/** The render mode asked of the query service: DETAIL for the detailed JSON, else JSON. */
function modeOf(format: TabaFormat): 'JSON' | 'DETAIL' {
  return format === 'detail' ? 'DETAIL' : 'JSON';
}

/** Taba's shape of a render, or ours as it is for the detailed JSON (Taba's has no equal). */
function shaped(format: TabaFormat, render: unknown, shape: (render: unknown) => unknown): unknown {
  return format === 'detail' ? render : shape(render);
}

/** `/tabs`: `{"<name>": <render>, …}`, or as text one `<name>: <render>` line per Tab, by name. */
const getTabs = scoped('read', async (request, backend) => {
  const filter = tabaFilter(await paramsOf(request, TABA_READ_PARAMS));
  const format = tabaFormat(request.accept);
  const response = await backend.query(
    'GetAggregates',
    { filter, mode: modeOf(format) },
    request.signal,
  );
  const tabs = response.tabs.map(tab => ({
    name: tab.name,
    render: shaped(format, parseRender(tab.body, tab.name), render =>
      tabaAggregate(tab.type, render),
    ),
  }));
  if (format === 'text') {
    const lines = byKey(tabs, tab => tab.name).map(
      tab => `${tab.name}: ${JSON.stringify(tab.render)}\n`,
    );
    return reply(format, lines.join(''));
  }
  const out = Object.create(null) as Record<string, unknown>;
  for (const tab of tabs) out[tab.name] = tab.render;
  return reply(format, JSON.stringify(out));
});

/**
 * `/projection`: `{"<name>": {"<client>": <render>, …}, …}`, or as text one
 * `(<client>, <name>): <render>` line per State, by client then name.
 */
const getProjection = scoped('read', async (request, backend) => {
  const filter = tabaFilter(await paramsOf(request, TABA_READ_PARAMS));
  const format = tabaFormat(request.accept);
  const response = await backend.query(
    'GetProjections',
    { filter, mode: modeOf(format) },
    request.signal,
  );
  const states = response.tabs.flatMap(tab =>
    tab.clients.map(client => ({
      name: tab.name,
      client: client.clientId,
      render: shaped(
        format,
        parseRender(client.body, `${tab.name} of ${client.clientId}`),
        render => tabaProjection(tab.type, render),
      ),
    })),
  );
  if (format === 'text') {
    const lines = byKey(states, state => `${state.client}\u0000${state.name}`).map(
      state => `(${state.client}, ${state.name}): ${JSON.stringify(state.render)}\n`,
    );
    return reply(format, lines.join(''));
  }
  const out = Object.create(null) as Record<string, Record<string, unknown>>;
  for (const state of states) {
    out[state.name] ??= Object.create(null) as Record<string, unknown>;
    (out[state.name] as Record<string, unknown>)[state.client] = state.render;
  }
  return reply(format, JSON.stringify(out));
});

/** `/supertabs`: the one render of every selected Tab merged (text: it and a newline). */
const getSuperTabs = scoped('read', async (request, backend) => {
  const filter = tabaFilter(await paramsOf(request, TABA_READ_PARAMS));
  const format = tabaFormat(request.accept);
  const response = await backend.query(
    'GetSuperAggregate',
    { filter, mode: modeOf(format) },
    request.signal,
  );
  const render = shaped(format, parseRender(response.body, 'the super-aggregate'), render =>
    tabaAggregate(response.type, render),
  );
  return reply(format, `${JSON.stringify(render)}${format === 'text' ? '\n' : ''}`);
});

/** A sorted list: JSON array, or one item a line (Taba printed an empty line for none). */
function listReply(format: TabaFormat, items: readonly string[]): RestReply {
  if (format !== 'text') return reply(format, JSON.stringify(items));
  return reply(format, `${[...items].sort().join('\n')}\n`);
}

const getNames = scoped('read', async (request, backend) => {
  const filter = tabaFilter(await paramsOf(request, TABA_NAMES_PARAMS));
  const response = await backend.query('ListNames', { filter }, request.signal);
  return listReply(tabaFormat(request.accept), response.names);
});

const getClients = scoped('read', async (request, backend) => {
  const filter = tabaFilter(await paramsOf(request, TABA_CLIENTS_PARAMS));
  const response = await backend.query('ListClients', { filter }, request.signal);
  return listReply(tabaFormat(request.accept), response.clientIds);
});

/** `/types`: `{"<name>": "<type>", …}`, or one `<name>: <type>` line per Tab, by name. */
const getTypes = scoped('read', async (request, backend) => {
  const filter = tabaFilter(await paramsOf(request, TABA_TYPES_PARAMS));
  const format = tabaFormat(request.accept);
  const response = await backend.query('ListTypes', { filter }, request.signal);
  const types = byKey(response.types, entry => entry.name);
  if (format === 'text') {
    return reply(format, types.map(entry => `${entry.name}: ${typeName(entry.type)}\n`).join(''));
  }
  const out = Object.create(null) as Record<string, string>;
  for (const entry of types) out[entry.name] = typeName(entry.type);
  return reply(format, JSON.stringify(out));
});

/** `/delete?name=a,b`: deletes those Tabs (admin, whatever the method); answers their names. */
const deleteTabs = scoped('admin', async (request, backend) => {
  const filter = tabaFilter(await paramsOf(request, TABA_DELETE_PARAMS));
  if (filter.names.length === 0) {
    throw new InvalidArgumentError(
      'NAME_REQUIRED',
      '/delete needs name=… (a comma list of names); it never deletes everything',
    );
  }
  const response = await backend.query('DeleteTabs', { filter }, request.signal);
  return listReply(tabaFormat(request.accept), response.deleted);
});

/**
 * `/status`: ours (Taba's queue table has no equal here): JSON as `/v1/status`, or as text one
 * `<service> <instance>: <metrics>` line per instance.
 */
const getStatus = scoped('read', async (request, backend, _now, grant) => {
  queryParams(request.search, []);
  const status = statusFor(grant, await backend.status(request.signal));
  const format = tabaFormat(request.accept);
  if (format !== 'text') return reply('json', JSON.stringify(status));
  const lines = (status.instances ?? []).map(
    instance =>
      `${instance.service ?? ''} ${instance.instanceId ?? ''}: ${renderText(instance.metrics ?? {})}\n`,
  );
  return reply(format, lines.join(''));
});

/** Where Taba's agent posts. */
const AGENT_PATH = '/post_zip';

/** `POST /post_zip`: the line protocol, zlib-compressed, as Taba's agent sends it. */
const postZip: Route = (request, backend, now, grant, limits) =>
  postLineBody(request, backend, now, grant, limits, 'deflate');

function getOrPost(route: Route): ReadonlyMap<string, Route> {
  return new Map([
    ['GET', route],
    ['POST', route],
  ]);
}

/** Taba's paths and the methods each takes; registered beside ours by routes.ts. */
export const TABA_ROUTES: ReadonlyMap<string, ReadonlyMap<string, Route>> = new Map([
  ['/tabs', getOrPost(getTabs)],
  ['/projection', getOrPost(getProjection)],
  ['/supertabs', getOrPost(getSuperTabs)],
  ['/names', getOrPost(getNames)],
  ['/clients', getOrPost(getClients)],
  ['/types', getOrPost(getTypes)],
  ['/status', getOrPost(getStatus)],
  ['/delete', getOrPost(deleteTabs)],
  [AGENT_PATH, new Map([['POST', postZip]])],
]);

/** Paths whose clients can only set a URL, so a `token` query parameter is taken as the token. */
export const URL_TOKEN_PATHS: ReadonlySet<string> = new Set(['/post', ...TABA_ROUTES.keys()]);

/**
 * The HTTP status of a refusal on `target`'s path: on `/post_zip`, 429 (overloaded) is 503, as
 * Taba's server answered when over capacity, since Taba's agent pauses a second before it
 * resends only after a 502 or 503 (it resends anything else at once, for ever).
 */
export function statusOnPath(target: string, status: number): number {
  const query = target.indexOf('?');
  const path = query < 0 ? target : target.slice(0, query);
  return status === 429 && path === AGENT_PATH ? 503 : status;
}
