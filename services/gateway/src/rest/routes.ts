import type { EventBatch, Refusals, StatusResponse } from '@taba/common';
import { InvalidArgumentError, NotFoundError } from '@taba/common';
import type { Grant, Scope } from '../auth/scopes.js';
import { scopeOfRoute } from '../auth/scopes.js';
import type { PostEventsResponse__Output } from '../contract.js';
import type { QueryMethod, QueryRequest, QueryResponse } from '../downstream.js';
import { statusFor } from '../status.js';
import type { BodyCoding } from './body-decoding.js';
import { decodeJsonBody } from './body-text.js';
import { methodNotAllowed } from './http-errors.js';
import { eventsBodyToBatch } from './json-events.js';
import { postLineBody } from './line-posting.js';
import type { QueryParam } from './query-params.js';
import {
  CARDINALITY_PARAMS,
  FILTER_PARAMS,
  NO_PARAMS,
  parseQuery,
  preferredFormat,
  READ_PARAMS,
  renderModeOf,
} from './query-params.js';
import {
  aggregatesJson,
  aggregatesText,
  cardinalityJson,
  eventsResult,
  parseRender,
  projectionsJson,
  projectionsText,
  typesJson,
} from './responses.js';
import { aggregatesExposition } from './aggregate-exposition.js';
import { TABA_ROUTES } from './taba-routes.js';

/** What the REST bridge calls: the gateway's own forwarding, each call bounded by a deadline. */
export interface RestBackend {
  postBatch(batch: EventBatch, signal: AbortSignal): Promise<PostEventsResponse__Output>;
  query<K extends QueryMethod>(
    method: K,
    request: QueryRequest<K>,
    signal: AbortSignal,
  ): Promise<QueryResponse<K>>;
  status(signal: AbortSignal): Promise<StatusResponse>;
  /** The gateway's own Prometheus exposition (docs/observability.md). */
  metrics(): Promise<string>;
}

/** The credential of one request, as the routes check it (GatewayAuth behind it). */
export interface RequestAuth {
  /** The grant of the request's token if it has `scope`; throws 401 or 403 with the reason. */
  grant(scope: Scope): Grant;
  /** Throws 403 (CLIENT_NOT_ALLOWED) unless `grant` may write for every one of `clientIds`. */
  authorizeClients(grant: Grant, clientIds: readonly string[]): void;
}

/** What the routes bound besides the body's bytes (413 past them, before any batch is built). */
export interface RestLimits {
  /** Largest `POST /v1/events` body, bytes (TABA_EVENTS_MAX_BODY_BYTES). */
  readonly maxEventsBodyBytes: number;
  /** Client IDs of one `/post` body, one batch each (TABA_POST_MAX_CLIENTS). */
  readonly maxPostClients: number;
  /** Events of one batch (TABA_MAX_BATCH_EVENTS). */
  readonly maxBatchEvents: number;
}

/** One HTTP request as the routes see it. */
export interface RestRequest {
  readonly method: string;
  readonly path: string;
  readonly search: URLSearchParams;
  /** The Accept header. */
  readonly accept: string | undefined;
  /** The Content-Type header (its charset says how to read the body). */
  readonly contentType: string | undefined;
  /** Aborted when the client goes away. */
  readonly signal: AbortSignal;
  /**
   * The whole body, bounded by TABA_MAX_BODY_BYTES or the smaller `limit` (413 beyond), undone
   * of its Content-Encoding and of the `framing` the path implies (`/post_zip`: zlib); the
   * decompressed bytes are bounded the same way.
   */
  body(limit?: number, framing?: BodyCoding): Promise<Buffer>;
  /** Checked by `route` before the handler (and so before the body is read). */
  readonly auth: RequestAuth;
  /** Where a route counts what it refuses itself (status: `refused.<REASON>`). */
  readonly refusals: Refusals;
}

export interface RestReply {
  readonly status: number;
  readonly contentType: 'application/json' | 'text/plain';
  readonly body: string;
}

export type Route = ((
  request: RestRequest,
  backend: RestBackend,
  nowSeconds: number,
  grant: Grant,
  limits: RestLimits,
) => Promise<RestReply>) & {
  /** The scope the route needs whatever its method; without one, the method's (scopeOfRoute). */
  readonly scope?: Scope;
};

function json(body: string): RestReply {
  return { status: 200, contentType: 'application/json', body };
}

function text(body: string): RestReply {
  return { status: 200, contentType: 'text/plain', body };
}

/** The body as JSON: at most `limit` bytes, strictly UTF-8. */
async function jsonBody(request: RestRequest, limit: number): Promise<unknown> {
  const bytes = await request.body(limit);
  if (bytes.length === 0) {
    throw new InvalidArgumentError('INVALID_JSON', 'the body is empty; expected a JSON object');
  }
  const text = decodeJsonBody(bytes, request.contentType);
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    const detail = error instanceof Error ? `: ${error.message}` : '';
    throw new InvalidArgumentError('INVALID_JSON', `the body is not valid JSON${detail}`);
  }
}

function noParams(request: RestRequest): void {
  parseQuery(request.search, NO_PARAMS);
}

const postEvents: Route = async (request, backend, now, grant, limits) => {
  noParams(request);
  const built = eventsBodyToBatch(await jsonBody(request, limits.maxEventsBodyBytes), now);
  request.auth.authorizeClients(grant, [built.batch.clientId ?? '']);
  const response = await backend.postBatch(built.batch, request.signal);
  return json(JSON.stringify(eventsResult(response, built.origins)));
};

/** Taba's line protocol (see postLineBody). */
const postLines: Route = (request, backend, now, grant, limits) =>
  postLineBody(request, backend, now, grant, limits);

function readRequest(request: RestRequest, params: readonly QueryParam[]) {
  const { filter, detail } = parseQuery(request.search, params);
  const format = preferredFormat(request.accept);
  return { filter, format, mode: renderModeOf(format, detail) };
}

const getTabs: Route = async (request, backend) => {
  const { filter, format, mode } = readRequest(request, READ_PARAMS);
  const response = await backend.query('GetAggregates', { filter, mode }, request.signal);
  return format === 'text' ? text(aggregatesText(response)) : json(aggregatesJson(response));
};

const getProjections: Route = async (request, backend) => {
  const { filter, format, mode } = readRequest(request, READ_PARAMS);
  const response = await backend.query('GetProjections', { filter, mode }, request.signal);
  return format === 'text' ? text(projectionsText(response)) : json(projectionsJson(response));
};

const getSuperAggregate: Route = async (request, backend) => {
  const { filter, format, mode } = readRequest(request, READ_PARAMS);
  const response = await backend.query('GetSuperAggregate', { filter, mode }, request.signal);
  if (format === 'text') return text(`${response.body}\n`);
  return json(JSON.stringify(parseRender(response.body, 'the super-aggregate')));
};

const listNames: Route = async (request, backend) => {
  const { filter } = parseQuery(request.search, FILTER_PARAMS);
  const response = await backend.query('ListNames', { filter }, request.signal);
  return json(JSON.stringify(response.names));
};

const listClients: Route = async (request, backend) => {
  const { filter } = parseQuery(request.search, FILTER_PARAMS);
  const response = await backend.query('ListClients', { filter }, request.signal);
  return json(JSON.stringify(response.clientIds));
};

const listTypes: Route = async (request, backend) => {
  const { filter } = parseQuery(request.search, FILTER_PARAMS);
  const response = await backend.query('ListTypes', { filter }, request.signal);
  return json(typesJson(response));
};

const deleteTabs: Route = async (request, backend) => {
  const { filter } = parseQuery(request.search, FILTER_PARAMS);
  if (filter.names.length === 0) {
    throw new InvalidArgumentError(
      'NAME_REQUIRED',
      'DELETE /v1/tabs needs name=… (exact names, or patterns with re=1); it never deletes everything',
    );
  }
  const response = await backend.query('DeleteTabs', { filter }, request.signal);
  return json(JSON.stringify({ deleted: response.deleted }));
};

const getCardinality: Route = async (request, backend) => {
  const { top } = parseQuery(request.search, CARDINALITY_PARAMS);
  const response = await backend.query('GetCardinality', { top }, request.signal);
  return json(cardinalityJson(response));
};

const getStatus: Route = async (request, backend, _now, grant) => {
  noParams(request);
  return json(JSON.stringify(statusFor(grant, await backend.status(request.signal))));
};

/** The selected Tabs' Aggregates as a Prometheus exposition (aggregate-exposition.ts). */
const getAggregateMetrics: Route = async (request, backend) => {
  const { filter } = parseQuery(request.search, FILTER_PARAMS);
  const response = await backend.query('GetAggregates', { filter, mode: 'JSON' }, request.signal);
  return text(aggregatesExposition(response.tabs));
};

const getMetrics: Route = async (request, backend) => {
  noParams(request);
  return text(await backend.metrics());
};

/** Every path and the methods it takes. */
export const ROUTES: ReadonlyMap<string, ReadonlyMap<string, Route>> = new Map([
  ['/v1/events', new Map([['POST', postEvents]])],
  [
    '/v1/tabs',
    new Map([
      ['GET', getTabs],
      ['DELETE', deleteTabs],
    ]),
  ],
  ['/v1/projections', new Map([['GET', getProjections]])],
  ['/v1/supertabs', new Map([['GET', getSuperAggregate]])],
  ['/v1/names', new Map([['GET', listNames]])],
  ['/v1/clients', new Map([['GET', listClients]])],
  ['/v1/types', new Map([['GET', listTypes]])],
  ['/v1/status', new Map([['GET', getStatus]])],
  ['/v1/cardinality', new Map([['GET', getCardinality]])],
  ['/v1/metrics', new Map([['GET', getAggregateMetrics]])],
  ['/post', new Map([['POST', postLines]])],
  ['/metrics', new Map([['GET', getMetrics]])],
  ...TABA_ROUTES,
]);

/**
 * Routes one request. Throws what the caller turns into the error body: NOT_FOUND
 * (UNKNOWN_PATH) for a path that does not exist, 405 for a method the path does not take,
 * 401/403 for a token that is missing, invalid or without the scope of the method (before the
 * body is read), and whatever the route or the backend throws.
 */
export function route(
  request: RestRequest,
  backend: RestBackend,
  nowSeconds: number,
  limits: RestLimits,
): Promise<RestReply> {
  const methods = ROUTES.get(request.path);
  if (methods === undefined) {
    throw new NotFoundError('UNKNOWN_PATH', `there is no ${request.path}; see docs/rest.md`);
  }
  const handler = methods.get(request.method);
  if (handler === undefined) {
    throw methodNotAllowed(request.method, request.path, [...methods.keys()]);
  }
  const grant = request.auth.grant(handler.scope ?? scopeOfRoute(request.method));
  return handler(request, backend, nowSeconds, grant, limits);
}
