import { randomUUID } from 'node:crypto';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { StandInAgent } from './consul-stand-in-agent.js';
import type { CheckStatus } from './consul-stand-in-definition.js';
import { KV_MAX_VALUE_BYTES, parseUint, StandInKv } from './consul-stand-in-kv.js';
import {
  ConsulHttpError,
  goDurationMs,
  isJsonObject,
  RaftIndex,
} from './consul-stand-in-shared.js';
import { LOOPBACK } from './free-port.js';

/**
 * A stand-in for a single-node Consul (one agent that is also the only server), speaking the
 * documented HTTP API that the `consul` npm client uses, on 127.0.0.1: service registration
 * with TTL checks, health and catalog queries, KV, and blocking queries (`index` + `wait`)
 * with `X-Consul-Index`. What it leaves out is listed in docs/consul.md.
 *
 * Query indexes follow Consul's rules rather than the global index: health and catalog
 * queries for a service answer the index of the last change to that service (its instances
 * or their checks), KV reads the ModifyIndex of what they return; so a blocking query wakes
 * for changes to what it reads, not for every change anywhere. Agent endpoints and
 * status/leader answer the global index.
 */

export interface ConsulStandInOptions {
  /** @default 0: a free port */
  readonly port?: number;
  /**
   * Consul's `check_deregister_interval_min`: a shorter DeregisterCriticalServiceAfter is
   * raised to this. Tests lower it to see the reaper work in seconds. @default 60000
   */
  readonly deregisterCriticalMinimumMs?: number;
  /** Consul's `check_reap_interval`: how often the reaper runs. @default 30000 */
  readonly reapIntervalMs?: number;
  /** Add up to wait/16 to every blocking wait, as Consul does. @default true */
  readonly waitJitter?: boolean;
  /** @default 'taba-consul-stand-in' */
  readonly nodeName?: string;
  /** @default 'dc1' */
  readonly datacenter?: string;
}

/** One request the stand-in received (URL-decoded path, raw query, ACL token if any). */
export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly query: string;
  readonly token: string | undefined;
}

export interface ConsulStandIn {
  readonly host: string;
  readonly port: number;
  /** `http://127.0.0.1:<port>` */
  readonly url: string;
  /** The raft-like global index now. */
  index(): number;
  /** The most recent requests (up to 10,000), oldest first. */
  requests(): readonly RecordedRequest[];
  isListening(): boolean;
  /**
   * Stops listening like a killed agent: every connection is closed (blocking queries held
   * open end with a reset), and TTL timers and the reaper stop. State is kept for `start`.
   * Idempotent.
   */
  stop(): Promise<void>;
  /**
   * Listens again on the same port. `keepState: false` starts from nothing, the index from 1
   * (an agent restarted without its data dir); otherwise everything is kept and TTLs run
   * again from a full TTL (an agent restoring its checks). @default keepState true
   */
  start(options?: { readonly keepState?: boolean }): Promise<void>;
}

/** Consul's `default_query_time` and `max_query_time`. */
const DEFAULT_WAIT_MS = 5 * 60_000;
const MAX_WAIT_MS = 10 * 60_000;
/** Bodies beyond this are refused before being read (Consul has its own, larger, limits). */
const BODY_LIMIT_BYTES = 4 * 1024 * 1024;
const REQUEST_LOG_LIMIT = 10_000;

/** What a read answers: JSON (or raw bytes for `?raw`) with the index for blocking. */
interface ReadResult {
  readonly status: 200 | 404;
  readonly index: number;
  readonly body?: unknown;
  readonly raw?: Buffer;
}

/** Everything the stand-in knows; replaced as a whole by `start({ keepState: false })`. */
interface StandInState {
  readonly raft: RaftIndex;
  readonly agent: StandInAgent;
  readonly kv: StandInKv;
}

interface PendingQuery {
  readonly read: () => ReadResult;
  readonly minIndex: number;
  readonly res: ServerResponse;
  timer: NodeJS.Timeout | undefined;
}

interface Route {
  readonly prefix: string;
  /** Whether the path must equal the prefix (no `<rest>` after it). */
  readonly exact: boolean;
  readonly methods: readonly string[];
  readonly handle: (request: ParsedRequest) => Promise<void> | void;
}

interface ParsedRequest {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  /** The URL-decoded path after the route's prefix. */
  readonly rest: string;
  readonly query: URLSearchParams;
}

/** Go's strconv.ParseBool, used by Consul for `?passing`. */
function parseBool(text: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(text)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(text)) return false;
  return undefined;
}

/** A flag query parameter: present with no value means true (Consul's getBoolQueryParam). */
function flag(query: URLSearchParams, name: string, reason: string): boolean {
  const value = query.get(name);
  if (value === null) return false;
  if (value === '') return true;
  const parsed = parseBool(value);
  if (parsed === undefined) throw new ConsulHttpError(400, reason);
  return parsed;
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    req.on('data', (chunk: Buffer) => {
      length += chunk.length;
      if (length <= limit) chunks.push(chunk);
    });
    req.on('end', () => {
      if (length > limit) reject(new ConsulHttpError(413, 'Request body too large'));
      else resolve(Buffer.concat(chunks));
    });
    req.on('error', reject);
  });
}

/** A JSON request body; a body that does not parse is Consul's 400 "Request decode failed". */
async function readJsonBody(req: IncomingMessage): Promise<unknown> {
  const body = await readBody(req, BODY_LIMIT_BYTES);
  try {
    return JSON.parse(body.toString('utf8'));
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new ConsulHttpError(400, `Request decode failed: ${reason}`);
  }
}

function sendText(res: ServerResponse, status: number, text: string): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8' });
  res.end(text);
}

function sendJson(res: ServerResponse, value: unknown): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(200, { 'content-type': 'application/json' });
  res.end(JSON.stringify(value));
}

function sendEmpty(res: ServerResponse): void {
  if (res.headersSent || res.destroyed) return;
  res.writeHead(200);
  res.end();
}

class ConsulStandInServer implements ConsulStandIn {
  readonly host = LOOPBACK;
  port: number;
  private readonly pending = new Set<PendingQuery>();
  private readonly log: RecordedRequest[] = [];
  private readonly routes: readonly Route[];
  private state: StandInState;
  private server: Server | undefined;
  private wakeScheduled = false;

  constructor(private readonly options: ConsulStandInOptions) {
    this.port = options.port ?? 0;
    this.state = this.freshState();
    this.routes = this.buildRoutes();
  }

  get url(): string {
    return `http://${this.host}:${this.port}`;
  }

  index(): number {
    return this.state.raft.current();
  }

  requests(): readonly RecordedRequest[] {
    return [...this.log];
  }

  isListening(): boolean {
    return this.server?.listening ?? false;
  }

  async start(options: { readonly keepState?: boolean } = {}): Promise<void> {
    if (this.server) return;
    if (options.keepState === false) this.state = this.freshState();
    const server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: this.host, port: this.port }, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    this.port = (server.address() as AddressInfo).port;
    this.state.agent.resume();
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    this.state.agent.pause();
    for (const query of this.pending) clearTimeout(query.timer);
    this.pending.clear();
    const closed = new Promise<void>(resolve => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  }

  private freshState(): StandInState {
    const raft = new RaftIndex(() => this.scheduleWake());
    const { nodeName = 'taba-consul-stand-in', datacenter = 'dc1' } = this.options;
    const agent = new StandInAgent(
      {
        nodeName,
        nodeId: randomUUID(),
        datacenter,
        address: LOOPBACK,
        deregisterMinimumMs: this.options.deregisterCriticalMinimumMs ?? 60_000,
        reapIntervalMs: this.options.reapIntervalMs ?? 30_000,
      },
      raft,
    );
    return { raft, agent, kv: new StandInKv(raft) };
  }

  private get agent(): StandInAgent {
    return this.state.agent;
  }

  private get kv(): StandInKv {
    return this.state.kv;
  }

  // --- routing ------------------------------------------------------------------------------

  private buildRoutes(): Route[] {
    const route = (
      prefix: string,
      methods: readonly string[],
      handle: Route['handle'],
      exact = false,
    ): Route => ({ prefix, exact, methods, handle });
    const checkUpdate = (status: CheckStatus) => (request: ParsedRequest) => {
      this.agent.updateCheck(request.rest, status, request.query.get('note') ?? '');
      sendEmpty(request.res);
    };
    return [
      route('/v1/agent/service/register', ['PUT'], r => this.register(r), true),
      route('/v1/agent/service/deregister/', ['PUT'], r => {
        this.agent.deregister(r.rest);
        sendEmpty(r.res);
      }),
      route('/v1/agent/check/pass/', ['PUT'], checkUpdate('passing')),
      route('/v1/agent/check/warn/', ['PUT'], checkUpdate('warning')),
      route('/v1/agent/check/fail/', ['PUT'], checkUpdate('critical')),
      route('/v1/agent/check/update/', ['PUT'], r => this.checkUpdateJson(r)),
      route(
        '/v1/agent/services',
        ['GET'],
        r => this.immediate(r, this.agent.agentServices()),
        true,
      ),
      route('/v1/agent/checks', ['GET'], r => this.immediate(r, this.agent.agentChecks()), true),
      route('/v1/health/service/', ['GET'], r => this.healthService(r)),
      route('/v1/catalog/services', ['GET'], r => this.catalogServices(r), true),
      route('/v1/catalog/service/', ['GET'], r => this.catalogService(r)),
      route('/v1/kv/', ['GET', 'PUT', 'DELETE'], r => this.kvEndpoint(r)),
      route('/v1/status/leader', ['GET'], r => this.immediate(r, `${this.host}:8300`), true),
      route('/v1/status/peers', ['GET'], r => this.immediate(r, [`${this.host}:8300`]), true),
    ];
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://stand-in');
    let path: string;
    try {
      // Consul (Go's net/http) routes on the decoded path: `%2F` in a key, `%3A` in a check id.
      path = decodeURIComponent(url.pathname);
    } catch {
      sendText(res, 400, `invalid URL escape in "${url.pathname}"`);
      return;
    }
    const method = req.method ?? 'GET';
    const header = req.headers['x-consul-token'];
    const token = (Array.isArray(header) ? header[0] : header) ?? url.searchParams.get('token');
    this.log.push({ method, path, query: url.search.slice(1), token: token ?? undefined });
    if (this.log.length > REQUEST_LOG_LIMIT)
      this.log.splice(0, this.log.length - REQUEST_LOG_LIMIT);

    const route = this.routes.find(candidate =>
      candidate.exact ? path === candidate.prefix : path.startsWith(candidate.prefix),
    );
    if (!route) {
      sendText(res, 404, '404 page not found\n');
      return;
    }
    if (!route.methods.includes(method)) {
      res.setHeader('allow', route.methods.join(','));
      sendText(res, 405, `method ${method} not allowed`);
      return;
    }
    const request = { req, res, rest: path.slice(route.prefix.length), query: url.searchParams };
    Promise.resolve()
      .then(() => {
        this.checkQueryOptions(request.query);
        return route.handle(request);
      })
      .catch((error: unknown) => {
        if (error instanceof ConsulHttpError) sendText(res, error.status, error.message);
        else sendText(res, 500, error instanceof Error ? error.message : String(error));
      });
  }

  private checkQueryOptions(query: URLSearchParams): void {
    const dc = query.get('dc');
    if (dc !== null && dc !== '' && dc !== (this.options.datacenter ?? 'dc1')) {
      throw new ConsulHttpError(500, 'No path to datacenter');
    }
    // Consul would evaluate these; answering as if it had would be a silent lie.
    for (const unsupported of ['filter', 'node-meta']) {
      if (query.has(unsupported)) {
        throw new ConsulHttpError(400, `the Consul stand-in does not implement ?${unsupported}`);
      }
    }
  }

  // --- agent --------------------------------------------------------------------------------

  private async register({ req, res, query }: ParsedRequest): Promise<void> {
    const parsed = await readJsonBody(req);
    const replace = query.get('replace-existing-checks');
    this.agent.register(parsed, replace === '' || replace === 'true');
    sendEmpty(res);
  }

  private async checkUpdateJson({ req, res, rest }: ParsedRequest): Promise<void> {
    const parsed = await readJsonBody(req);
    const status = isJsonObject(parsed) ? parsed.Status : undefined;
    if (status !== 'passing' && status !== 'warning' && status !== 'critical') {
      throw new ConsulHttpError(400, `Invalid check status: '${String(status ?? '')}'`);
    }
    const output = isJsonObject(parsed) && typeof parsed.Output === 'string' ? parsed.Output : '';
    this.agent.updateCheck(rest, status, output);
    sendEmpty(res);
  }

  // --- health and catalog -------------------------------------------------------------------

  private healthService(request: ParsedRequest): void {
    const { rest: name, query } = request;
    if (name === '') throw new ConsulHttpError(400, 'Missing service name');
    const passing = flag(query, 'passing', 'Invalid value for ?passing');
    const tags = query.getAll('tag');
    this.blockingRead(request, () => ({
      status: 200,
      ...this.agent.health(name, { passing, tags }),
    }));
  }

  private catalogServices(request: ParsedRequest): void {
    this.blockingRead(request, () => ({ status: 200, ...this.agent.catalogServices() }));
  }

  private catalogService(request: ParsedRequest): void {
    const { rest: name, query } = request;
    if (name === '') throw new ConsulHttpError(400, 'Missing service name');
    const tags = query.getAll('tag');
    this.blockingRead(request, () => ({ status: 200, ...this.agent.catalogService(name, tags) }));
  }

  // --- KV -----------------------------------------------------------------------------------

  private async kvEndpoint(request: ParsedRequest): Promise<void> {
    const { req, res, rest: key, query } = request;
    if (req.method === 'GET') {
      this.kvGet(request);
      return;
    }
    if (req.method === 'PUT') {
      if (key === '') throw new ConsulHttpError(400, 'Missing key name');
      this.rejectConflicting(query, ['cas', 'acquire', 'release']);
      for (const session of ['acquire', 'release']) {
        const id = query.get(session);
        if (id === null) continue;
        // Sessions are not implemented, so every session is unknown.
        throw new ConsulHttpError(500, id === '' ? 'missing session' : `invalid session "${id}"`);
      }
      const declared = Number(req.headers['content-length'] ?? 0);
      if (declared > KV_MAX_VALUE_BYTES) {
        throw new ConsulHttpError(
          413,
          `Request body(${declared} bytes) too large, max size: ${KV_MAX_VALUE_BYTES} bytes. See https://developer.hashicorp.com/docs/agent/config/config-files#kv_max_value_size.`,
        );
      }
      const flags = query.has('flags') ? parseUint('flags', query.get('flags') ?? '') : 0;
      const cas = query.has('cas') ? parseUint('cas', query.get('cas') ?? '') : undefined;
      const value = await readBody(req, KV_MAX_VALUE_BYTES);
      sendJson(res, this.kv.put(key, value, { flags, ...(cas === undefined ? {} : { cas }) }));
      return;
    }
    this.rejectConflicting(query, ['recurse', 'cas']);
    const recurse = query.has('recurse');
    if (!recurse && key === '') throw new ConsulHttpError(400, 'Missing key name');
    const cas = query.has('cas') ? parseUint('cas', query.get('cas') ?? '') : undefined;
    sendJson(res, this.kv.delete(key, { recurse, ...(cas === undefined ? {} : { cas }) }));
  }

  private kvGet(request: ParsedRequest): void {
    const { rest: key, query } = request;
    if (query.has('keys')) {
      const separator = query.get('separator') ?? query.get('seperator') ?? '';
      this.blockingRead(request, () => this.found(this.kv.keys(key, separator)));
      return;
    }
    if (query.has('recurse')) {
      this.blockingRead(request, () => this.found(this.kv.list(key)));
      return;
    }
    if (key === '') throw new ConsulHttpError(400, 'Missing key name');
    if (query.has('raw')) {
      this.blockingRead(request, () => {
        const { index, found } = this.kv.raw(key);
        return found === undefined ? { status: 404, index } : { status: 200, index, raw: found };
      });
      return;
    }
    this.blockingRead(request, () => this.found(this.kv.get(key)));
  }

  private found(read: { readonly index: number; readonly found: unknown }): ReadResult {
    return read.found === undefined
      ? { status: 404, index: read.index }
      : { status: 200, index: read.index, body: read.found };
  }

  private rejectConflicting(query: URLSearchParams, flags: readonly string[]): void {
    if (flags.filter(name => query.has(name)).length > 1) {
      throw new ConsulHttpError(400, `Conflicting flags: ${query.toString()}\n`);
    }
  }

  // --- reads and blocking queries -----------------------------------------------------------

  /** A read that is never blocking (agent and status endpoints): the global index. */
  private immediate({ res }: ParsedRequest, body: unknown): void {
    this.send(res, { status: 200, index: this.state.raft.current(), body });
  }

  /**
   * Answers `read()` now, or, with `?index=i` (i > 0), once its index is above i or when
   * `?wait` (Go duration; default 5m, at most 10m, plus up to 1/16 jitter) runs out.
   */
  private blockingRead({ res, query }: ParsedRequest, read: () => ReadResult): void {
    const indexText = query.get('index');
    let minIndex = 0;
    if (indexText !== null && indexText !== '') {
      if (!/^\d+$/.test(indexText)) throw new ConsulHttpError(400, 'Invalid index');
      minIndex = Number(indexText);
    }
    const waitText = query.get('wait');
    let waitMs = DEFAULT_WAIT_MS;
    if (waitText !== null && waitText !== '') {
      const parsed = goDurationMs(waitText);
      if (parsed === undefined) throw new ConsulHttpError(400, 'Invalid wait time');
      waitMs = parsed > MAX_WAIT_MS ? MAX_WAIT_MS : parsed <= 0 ? DEFAULT_WAIT_MS : parsed;
    }
    const now = read();
    if (minIndex === 0 || now.index > minIndex) {
      this.send(res, now);
      return;
    }
    const jitter = this.options.waitJitter === false ? 0 : Math.random() * (waitMs / 16);
    const held: PendingQuery = { read, minIndex, res, timer: undefined };
    held.timer = setTimeout(() => this.finish(held), waitMs + jitter);
    this.pending.add(held);
    // The client gave up (or the stand-in stopped): forget the query.
    res.once('close', () => {
      clearTimeout(held.timer);
      this.pending.delete(held);
    });
  }

  private finish(query: PendingQuery): void {
    clearTimeout(query.timer);
    this.pending.delete(query);
    this.send(query.res, query.read());
  }

  /** After a change: answers every held query whose index moved past the one it waits on. */
  private scheduleWake(): void {
    if (this.wakeScheduled) return;
    this.wakeScheduled = true;
    setImmediate(() => {
      this.wakeScheduled = false;
      for (const query of [...this.pending]) {
        if (query.read().index > query.minIndex) this.finish(query);
      }
    });
  }

  private send(res: ServerResponse, result: ReadResult): void {
    if (res.headersSent || res.destroyed) return;
    res.setHeader('x-consul-index', String(result.index));
    res.setHeader('x-consul-knownleader', 'true');
    res.setHeader('x-consul-lastcontact', '0');
    if (result.status === 404) {
      res.writeHead(404);
      res.end();
    } else if (result.raw) {
      res.writeHead(200, {
        'content-type': 'text/plain',
        'x-content-type-options': 'nosniff',
        'content-security-policy': 'sandbox',
      });
      res.end(result.raw);
    } else {
      sendJson(res, result.body);
    }
  }
}

/** Starts a Consul stand-in on 127.0.0.1 (a free port unless `options.port`). */
export async function startConsulStandIn(
  options: ConsulStandInOptions = {},
): Promise<ConsulStandIn> {
  const standIn = new ConsulStandInServer(options);
  await standIn.start();
  return standIn;
}
