import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Logger, Refusals, TlsCredentials } from '@taba/common';
import { bearerToken, InflightBudget, isTabaError } from '@taba/common';
import type { GatewayAuth } from '../auth/gateway-auth.js';
import { downstreamCode, isUnexpectedError } from '../call-status.js';
import type { BodyCoding } from './body-decoding.js';
import {
  contentCodings,
  decompressBody,
  INVALID_COMPRESSION,
  UNSUPPORTED_CONTENT_ENCODING,
} from './body-decoding.js';
import { answerClientError } from './client-errors.js';
import { dashboardReply, sendStatic } from './dashboard-files.js';
import { bodyTooLarge, errorResponse } from './http-errors.js';
import type { RestListener } from './listener.js';
import { createRestListener } from './listener.js';
import { inRequestSpan } from './request-span.js';
import type { RequestAuth, RestBackend, RestLimits, RestReply } from './routes.js';
import { route } from './routes.js';
import type { StaticAssets } from './static-assets.js';
import { dashboardFileOf } from './static-assets.js';
import { statusOnPath, URL_TOKEN_PATHS } from './taba-routes.js';
import type { UnreadBodyPlan } from './unread-body.js';
import { discardUnreadBody, unreadBodyPlan } from './unread-body.js';

/** How much the REST server takes at once, and how long a slow client may hold it. */
export interface RestCapacity {
  /** Open connections at most (TABA_REST_MAX_CONNECTIONS); more are closed at once. */
  readonly maxConnections: number;
  /** Requests being served at once (TABA_REST_MAX_INFLIGHT_REQUESTS); more get 429 OVERLOADED. */
  readonly maxInflightRequests: number;
  /**
   * Body bytes being read or parsed at once (TABA_REST_MAX_INFLIGHT_BODY_BYTES); a body past it
   * gets 429 OVERLOADED (one body larger than all of it is still taken when alone).
   */
  readonly maxInflightBodyBytes: number;
  /** Largest request head, bytes (TABA_REST_MAX_HEADER_BYTES); more get 431. */
  readonly maxHeaderBytes: number;
  /** Time to send the request head, ms (TABA_REST_HEADERS_TIMEOUT_MS); then 408. */
  readonly headersTimeoutMs: number;
  /** Time to send the whole request, body included, ms (TABA_REST_REQUEST_TIMEOUT_MS); then 408. */
  readonly requestTimeoutMs: number;
}

export interface RestServerOptions {
  /** `host:port` to listen on; port 0 picks a free port. */
  readonly address: string;
  /** Largest request body, bytes; larger bodies get 413. */
  readonly maxBodyBytes: number;
  readonly limits: RestLimits;
  readonly capacity: RestCapacity;
  /** Where refusals by a limit are counted (status: `refused.<REASON>`). */
  readonly refusals: Refusals;
  readonly backend: RestBackend;
  /** Who may call what (TABA_AUTH). */
  readonly auth: GatewayAuth;
  readonly logger: Logger;
  /** Epoch seconds now (the time of arrival of events without a timestamp). @default Date.now()/1000 */
  readonly now?: () => number;
  /** Serve HTTPS with the gateway's certificate (see createRestListener). @default plain HTTP */
  readonly tls?: TlsCredentials;
  /**
   * The dashboard's files, served on `/` and `/dashboard/<file>` (docs/dashboard.md); the page
   * holds no data, so it needs no token: its API calls do. @default none (404 DASHBOARD_NOT_BUILT)
   */
  readonly dashboard?: StaticAssets;
}

export interface RestServer {
  /** `host:port` it listens on (the bound port when 0 was asked). */
  readonly address: string;
  /**
   * Stops taking connections, closes idle ones, lets requests in flight finish for up to
   * `graceMs`, then closes the rest. Idempotent.
   */
  close(graceMs: number): Promise<void>;
}

/**
 * Reads the whole body, refusing (413) one whose Content-Length or actual length is over
 * `limit` without buffering more than the limit. A compressed body (`codings`, in the order
 * applied) is decompressed as it arrives, its compressed and its decompressed bytes each
 * bounded by `limit`.
 */
function readBody(
  request: IncomingMessage,
  limit: number,
  codings: readonly BodyCoding[],
  beforeReading: () => void,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(request.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      reject(bodyTooLarge(limit));
      return;
    }
    beforeReading();
    const compressed = codings.length > 0;
    const chunks: Buffer[] = [];
    let total = 0;
    const onData = (chunk: Buffer) => {
      total += chunk.length;
      if (total > limit) {
        request.off('data', onData);
        request.unpipe();
        request.pause();
        reject(bodyTooLarge(limit));
        return;
      }
      if (!compressed) chunks.push(chunk);
    };
    request.on('data', onData);
    if (compressed) decompressBody(request, codings, limit).then(resolve, reject);
    else request.once('end', () => resolve(Buffer.concat(chunks, total)));
    request.once('error', reject);
    // A client that goes away mid-body ends neither with 'end' nor always with 'error'.
    request.once('close', () => {
      if (!request.complete) reject(new Error('the client closed the connection mid-body'));
    });
  });
}

/**
 * The request's credential: `Authorization: Bearer <token>`, or for `/post` and Taba's other
 * paths (whose original clients and scripts can only set a URL) a `token` query parameter,
 * taken out of the parameters here.
 */
function requestAuth(
  auth: GatewayAuth,
  request: IncomingMessage,
  path: string,
  search: URLSearchParams,
): RequestAuth {
  let token = bearerToken(request.headers.authorization);
  if (URL_TOKEN_PATHS.has(path) && search.has(TOKEN_PARAM)) {
    token ??= search.get(TOKEN_PARAM) ?? '';
    search.delete(TOKEN_PARAM);
  }
  const what = `${request.method ?? 'GET'} ${path}`;
  return {
    grant: scope => auth.authenticate(token, scope, what),
    authorizeClients: (grant, clientIds) => auth.authorizeClients(grant, clientIds),
  };
}

const TOKEN_PARAM = 'token';

function send(response: ServerResponse, reply: RestReply, headers: Record<string, string>): void {
  if (response.headersSent || response.destroyed) return;
  const body = Buffer.from(reply.body, 'utf8');
  response.writeHead(reply.status, {
    ...headers,
    'content-type': `${reply.contentType}; charset=utf-8`,
    'content-length': String(body.length),
  });
  response.end(body);
}

/** Refusals of a body's bytes that are counted although they are not a limit. */
const COUNTED_INVALID = new Set([
  'INVALID_ENCODING',
  INVALID_COMPRESSION,
  UNSUPPORTED_CONTENT_ENCODING,
]);

/** A refusal by the gateway's own limits (not a downstream answer passed on), for counting. */
function ownRefusalReason(error: unknown): string | undefined {
  if (!isTabaError(error) || downstreamCode(error) !== undefined) return undefined;
  return error.kind === 'RESOURCE_EXHAUSTED' || COUNTED_INVALID.has(error.reason)
    ? error.reason
    : undefined;
}

/** Splits `host:port` (host may be `[v6]`) for `listen`. */
function splitAddress(address: string): { host: string; port: number; hostPart: string } {
  const match = /^(.*):(\d+)$/.exec(address);
  const hostPart = match?.[1] ?? '';
  const host =
    hostPart.startsWith('[') && hostPart.endsWith(']') ? hostPart.slice(1, -1) : hostPart;
  return { host, port: Number(match?.[2] ?? Number.NaN), hostPart };
}

/**
 * The REST/JSON bridge: a node:http (or, with TLS, node:https) server whose routes call the same forwarding as the
 * gRPC handlers. Every failure is answered as JSON `{"error":{code,reason,message}}`; nothing a
 * client sends can crash it.
 */
export async function startRestServer(options: RestServerOptions): Promise<RestServer> {
  const { backend, auth, logger, maxBodyBytes, limits, capacity, refusals } = options;
  const now = options.now ?? (() => Date.now() / 1000);
  const dashboard: StaticAssets = options.dashboard ?? new Map();
  const requests = new InflightBudget(
    capacity.maxInflightRequests,
    'requests',
    'TABA_REST_MAX_INFLIGHT_REQUESTS',
  );
  // Bodies being read or parsed, by their declared (else largest allowed) length: what bounds
  // the memory requests hold, since parsing a body takes several times its bytes.
  const bodies = new InflightBudget(
    capacity.maxInflightBodyBytes,
    'body bytes',
    'TABA_REST_MAX_INFLIGHT_BODY_BYTES',
  );

  /**
   * Serves one request. With `Expect: 100-continue` (curl sends it for bodies over 1 MB), the
   * 100 is sent only once the body is wanted and its declared length is within the limit, so a
   * body that is too large is refused before the client sends a byte of it.
   */
  const serve = async (request: IncomingMessage, response: ServerResponse, expects = false) => {
    const abort = new AbortController();
    response.once('close', () => {
      if (!response.writableFinished) abort.abort();
    });
    let reply: RestReply;
    const headers: Record<string, string> = {};
    let release: (() => void) | undefined;
    let releaseBody: (() => void) | undefined;
    let unread: UnreadBodyPlan = 'none';
    try {
      release = requests.acquire(1);
      const target = request.url ?? '/';
      const query = target.indexOf('?');
      const path = query < 0 ? target : target.slice(0, query);
      const search = new URLSearchParams(query < 0 ? '' : target.slice(query + 1));
      const file = dashboardFileOf(path);
      if (file !== undefined) {
        const method = request.method ?? 'GET';
        const ifNoneMatch = request.headers['if-none-match'];
        sendStatic(response, dashboardReply(dashboard, method, path, file, ifNoneMatch));
        return;
      }
      reply = await route(
        {
          method: request.method ?? 'GET',
          path,
          search,
          accept: request.headers.accept,
          contentType: request.headers['content-type'],
          signal: abort.signal,
          body: (limit = maxBodyBytes, framing) => {
            const bound = Math.min(limit, maxBodyBytes);
            const codings = [
              ...(framing === undefined ? [] : [framing]),
              ...contentCodings(request.headers['content-encoding']),
            ];
            return readBody(request, bound, codings, () => {
              // Held until the answer is sent: the body and what is parsed from it (a
              // compressed body may decompress to the whole bound).
              const declared = Number(request.headers['content-length']);
              const known = Number.isFinite(declared) && codings.length === 0;
              releaseBody = bodies.acquire(known ? declared : bound);
              if (expects && !response.headersSent) response.writeContinue();
              expects = false;
            });
          },
          auth: requestAuth(auth, request, path, search),
          refusals,
        },
        backend,
        now(),
        limits,
      );
    } catch (error) {
      const refused = ownRefusalReason(error);
      if (refused !== undefined) refusals.count(refused);
      if (isUnexpectedError(error)) {
        logger.error({ err: error, method: request.method, url: request.url }, 'REST call failed');
      }
      const failure = errorResponse(error);
      Object.assign(headers, failure.headers);
      // An unread body (413, a full body budget, or a refusal before reading: 401, 403) is read
      // and thrown away after the answer when bounded, else the connection closes after it.
      const declared = Number(request.headers['content-length']);
      unread = unreadBodyPlan({
        complete: request.complete,
        declaredBytes: Number.isFinite(declared) ? declared : undefined,
        continuePending: expects,
        maxDiscardBytes: maxBodyBytes,
      });
      if (unread === 'close') headers.connection = 'close';
      reply = {
        status: statusOnPath(request.url ?? '/', failure.status),
        contentType: 'application/json',
        body: JSON.stringify(failure.body),
      };
    } finally {
      release?.();
      releaseBody?.();
    }
    send(response, reply, headers);
    if (unread === 'discard') discardUnreadBody(request, maxBodyBytes, capacity.requestTimeoutMs);
  };

  const handle = (request: IncomingMessage, response: ServerResponse, expects: boolean) => {
    inRequestSpan(request, response, () => serve(request, response, expects)).catch(
      (error: unknown) => {
        // Only send() can land here (e.g. a socket that broke mid-write).
        logger.warn({ err: error }, 'REST answer failed');
        response.destroy();
      },
    );
  };
  const server: RestListener = createRestListener(
    (request, response) => handle(request, response, false),
    options.tls,
    {
      maxHeaderSize: capacity.maxHeaderBytes,
      headersTimeout: capacity.headersTimeoutMs,
      requestTimeout: capacity.requestTimeoutMs,
      // node:http looks for timed-out requests only this often (30 s by default).
      connectionsCheckingInterval: Math.max(100, Math.min(1000, capacity.headersTimeoutMs / 4)),
    },
  );
  server.on('checkContinue', (request: IncomingMessage, response: ServerResponse) =>
    handle(request, response, true),
  );
  server.maxConnections = capacity.maxConnections;
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Socket) =>
    answerClientError(error, socket, refusals),
  );
  server.on('drop', () => refusals.count('TOO_MANY_CONNECTIONS'));

  const { host, port, hostPart } = splitAddress(options.address);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = server.address();
  const boundPort = bound !== null && typeof bound === 'object' ? bound.port : port;

  let closing: Promise<void> | undefined;
  return {
    address: `${hostPart}:${boundPort}`,
    close(graceMs) {
      closing ??= new Promise<void>(resolve => {
        const force = setTimeout(() => server.closeAllConnections(), graceMs);
        force.unref();
        server.close(() => {
          clearTimeout(force);
          resolve();
        });
        server.closeIdleConnections();
      });
      return closing;
    },
  };
}
