import { randomInt } from 'node:crypto';
import type { ClientUnaryCall, ServiceError } from '@grpc/grpc-js';
import { Client, Metadata, status } from '@grpc/grpc-js';
import type { TabaProtos, TabTypeName } from '@taba/common';
import {
  AUTHORIZATION_METADATA_KEY,
  clientChannelCredentials,
  loadClientTlsOptions,
  DEFAULT_EVENT_LIMITS,
  grpcChannelOptions,
  loadTabaProtos,
  nameProblem,
  parseTabType,
  TAB_TYPES,
  tabaTypeName,
} from '@taba/common';
import type { ValueKind } from './columns.js';
import { Column, Segment } from './columns.js';
import { encodeEventBatch } from './encode.js';
import type { RejectedEvent } from './errors.js';
import { TabaClientError } from './errors.js';
import type { DropReason, DropReport, ResolvedOptions, TabaClientOptions } from './options.js';
import { backoffMs, resolveOptions } from './options.js';

type PostEventsMethod = TabaProtos['taba']['v1']['Taba']['service']['PostEvents'];
type PostEventsReply = ReturnType<PostEventsMethod['responseDeserialize']>;

/** What `TabaClient.stats()` reports; every count is exact. */
export interface TabaClientStats {
  /** Events in acknowledged batches (applied, rejected or duplicate). */
  readonly sent: number;
  /** Acknowledged batches. */
  readonly batches: number;
  /** Events the gateway applied (a duplicate batch reports what it applied the first time). */
  readonly applied: number;
  /** Events the gateway refused, one by one (see `rejectedByCode`). */
  readonly rejected: number;
  /** Refused events per RejectCode; those the gateway counted but did not list are UNLISTED. */
  readonly rejectedByCode: Readonly<Record<string, number>>;
  /** Batches the gateway had already applied (a retry whose first answer was lost). */
  readonly duplicates: number;
  /** Events dropped by the client, by reason. */
  readonly dropped: {
    readonly bufferFull: number;
    readonly rejectedBatch: number;
    readonly closed: number;
  };
  /** Events waiting for a batch. */
  readonly pending: number;
  /** Events of the batch being sent or retried. */
  readonly inFlight: number;
  /** Attempts that re-sent a failed batch. */
  readonly retries: number;
  /** Sequence number of the latest batch; 0 before the first. */
  readonly seq: number;
  /** This client's session: microseconds since the epoch when it was created (and unique). */
  readonly session: number;
  /** Older sessions of this client ID that this one fenced (each reported once to onError). */
  readonly olderSessionsFenced: number;
  /** True once a newer session of this client ID fenced this one: every batch is refused. */
  readonly fenced: boolean;
}

/** Optional parts of an event. */
export interface RecordOptions {
  /** EXPIRY_GAUGE and BUFFER: when the value expires (epoch seconds, or a Date). */
  readonly expiry?: number | Date;
  /** HISTOGRAM: strictly increasing bucket upper bounds (the +Inf bucket is implied). */
  readonly bounds?: readonly number[];
  /** When the event happened (epoch seconds, or a Date). @default now */
  readonly timestamp?: number | Date;
}

/**
 * gRPC statuses after which the same batch is sent again (same seq, same bytes). Everything
 * else is permanent, UNAUTHENTICATED and PERMISSION_DENIED included: the same token would be
 * refused again.
 */
const RETRYABLE = new Set<number>([
  status.UNAVAILABLE,
  status.RESOURCE_EXHAUSTED,
  status.DEADLINE_EXCEEDED,
  status.ABORTED,
  status.INTERNAL,
  status.UNKNOWN,
  status.CANCELLED,
]);

/**
 * Reasons that a retry of the same bytes cannot cure, whatever the status: a batch or message too large,
 * and the seq contract's refusals (a seq below the mark stays below it; a fenced session stays
 * fenced).
 */
const PERMANENT_REASONS = new Set([
  'BATCH_TOO_LARGE',
  'TOO_MANY_TABS',
  'SEQ_REGRESSION',
  'SESSION_FENCED',
  'INVALID_SEQ',
  'INVALID_SESSION',
  'MESSAGE_TOO_LARGE',
]);

/** The `taba-reason` of a failed call ('' without one). */
function reasonOf(error: ServiceError | null): string {
  return String(error?.metadata?.get('taba-reason')[0] ?? '');
}

/**
 * Whether the same batch is sent again: transient statuses, and RESOURCE_EXHAUSTED when it is
 * back-pressure (OVERLOADED), not a batch the server will never take.
 */
function isRetryable(error: ServiceError | null): boolean {
  const code = error?.code ?? status.INTERNAL;
  if (!RETRYABLE.has(code) || PERMANENT_REASONS.has(reasonOf(error))) return false;
  return code !== status.RESOURCE_EXHAUSTED || !/larger than max/i.test(error?.details ?? '');
}

let lastSession = 0;

/**
 * A new session: when it starts, in microseconds since the epoch (ms and a random sub-ms part,
 * so two processes starting in the same ms still differ), and above every earlier session of
 * this process, so a TabaClient created later always fences one created before it.
 */
function newSession(): number {
  lastSession = Math.max(Date.now() * 1000 + randomInt(1000), lastSession + 1);
  return lastSession;
}

const POST_EVENTS_PATH = '/taba.v1.Taba/PostEvents';
const DROP_REPORT_INTERVAL_MS = 1000;
const DROP_REASONS: readonly DropReason[] = ['bufferFull', 'rejectedBatch', 'closed'];
/** The default wait of `close()` for the last batches, ms. */
export const DEFAULT_CLOSE_TIMEOUT_MS = 30_000;
/** Epoch seconds outside [1e9, 1e11) are almost surely a mistake (a duration, or milliseconds). */
const EPOCH_SECONDS_MIN = 1e9;
const EPOCH_SECONDS_MAX = 1e11;

const NEEDS_EXPIRY: ReadonlySet<TabTypeName> = new Set(['EXPIRY_GAUGE', 'BUFFER']);
const TAKES_STRINGS: ReadonlySet<TabTypeName> = new Set([
  'GAUGE',
  'EXPIRY_GAUGE',
  'BUFFER',
  'UNIQUE',
]);

interface InFlightBatch {
  readonly seq: number;
  readonly bytes: Buffer;
  readonly events: number;
  /** The segment its events came from: flush() waits for it. */
  readonly segmentId: number;
  /** Column names in batch order, to name the Tab of a rejection. */
  readonly names: readonly string[];
  failures: number;
  call: ClientUnaryCall | undefined;
  retryTimer: NodeJS.Timeout | undefined;
}

interface FlushWaiter {
  readonly target: number;
  readonly resolve: () => void;
}

function describe(value: unknown): string {
  return typeof value === 'string' ? JSON.stringify(value) : String(value);
}

/** Epoch seconds of a Date or a number, checked; throws RangeError/TypeError. */
function epochSeconds(what: string, value: number | Date): number {
  const seconds = value instanceof Date ? value.getTime() / 1000 : value;
  if (typeof seconds !== 'number') {
    throw new TypeError(
      `TabaClient: ${what} must be epoch seconds or a Date, got ${describe(value)}`,
    );
  }
  if (!Number.isFinite(seconds) || seconds < EPOCH_SECONDS_MIN || seconds >= EPOCH_SECONDS_MAX) {
    throw new RangeError(
      `TabaClient: ${what} must be epoch seconds (e.g. Date.now() / 1000 + 60) or a Date, got ${describe(value)}`,
    );
  }
  return seconds;
}

function checkBounds(bounds: readonly number[]): void {
  if (!Array.isArray(bounds) || bounds.length === 0) {
    throw new TypeError('TabaClient: a HISTOGRAM needs a non-empty array of bounds');
  }
  if (bounds.length > DEFAULT_EVENT_LIMITS.maxHistogramBounds) {
    throw new RangeError(
      `TabaClient: ${bounds.length} histogram bounds; the limit is ${DEFAULT_EVENT_LIMITS.maxHistogramBounds}`,
    );
  }
  for (let i = 0; i < bounds.length; i += 1) {
    const bound = bounds[i];
    if (typeof bound !== 'number' || !Number.isFinite(bound)) {
      throw new RangeError(
        `TabaClient: histogram bound ${i} is ${describe(bound)}; bounds must be finite numbers`,
      );
    }
    if (i > 0 && bound <= (bounds[i - 1] ?? Number.NaN)) {
      throw new RangeError('TabaClient: histogram bounds must be strictly increasing');
    }
  }
}

/** The value kind of an event, checked against its type; throws TypeError/RangeError. */
function valueKind(name: string, type: TabTypeName, value: number | string): ValueKind {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) {
      throw new RangeError(
        `TabaClient: value of "${name}" is ${value}; values must be finite numbers`,
      );
    }
    return 'number';
  }
  if (typeof value === 'string') {
    if (!TAKES_STRINGS.has(type)) {
      throw new TypeError(
        `TabaClient: ${tabaTypeName(type)} "${name}" takes numbers, got the string ${describe(value)}`,
      );
    }
    if (value.length > DEFAULT_EVENT_LIMITS.maxStringLength) {
      throw new RangeError(
        `TabaClient: string value of "${name}" is ${value.length} characters long; the limit is ${DEFAULT_EVENT_LIMITS.maxStringLength}`,
      );
    }
    return 'string';
  }
  throw new TypeError(
    `TabaClient: value of "${name}" must be a number or a string, got ${describe(value)}`,
  );
}

function resolveType(type: TabTypeName | string): TabTypeName {
  const parsed = typeof type === 'string' ? parseTabType(type) : undefined;
  if (parsed === undefined) {
    throw new TypeError(
      `TabaClient: unknown Tab type ${describe(type)}; known types are ${TAB_TYPES.join(', ')}`,
    );
  }
  return parsed;
}

/**
 * Sends events to the Taba gateway (`taba.v1.Taba/PostEvents`) in columnar batches.
 *
 * Delivery: each batch carries `(clientId, seq)`; seq starts at `Date.now() * 1000` when the
 * client is created and rises by one per batch, so a restarted process (whose first seq is
 * above everything it sent before) is never mistaken for a retry. One batch is in flight at a
 * time; a failed batch is retried with the same seq and bytes until acknowledged, so the
 * gateway applies it exactly once. Nothing is dropped silently: see `stats()` and `onDrop`.
 *
 * Sessions: each TabaClient has its own session (when it was created, in µs), sent with every
 * batch. The newest session of a client ID fences older ones: another live process with the
 * same client ID gets SESSION_FENCED for each batch (reported to onError, dropped, counted),
 * and this one gets a FENCED_OLDER_SESSION notice.
 */
export class TabaClient {
  private readonly options: ResolvedOptions;
  private readonly onDrop: TabaClientOptions['onDrop'];
  private readonly onError: TabaClientOptions['onError'];
  private readonly grpc: Client;
  private readonly deserialize: PostEventsMethod['responseDeserialize'];
  private readonly timer: NodeJS.Timeout;

  private readonly segments: Segment[];
  private lastSegmentId = 1;
  private pending = 0;
  private inFlight: InFlightBatch | undefined;
  private waiters: FlushWaiter[] = [];
  private pumpScheduled = false;
  private nextSeq: number;
  private closing: Promise<void> | undefined;
  private channelClosed = false;

  private sent = 0;
  private batches = 0;
  private applied = 0;
  private rejected = 0;
  private readonly rejectedByCode: Record<string, number> = {};
  private duplicates = 0;
  private retries = 0;
  private lastSeq = 0;
  private readonly session = newSession();
  /** Older sessions already reported as fenced by this one. */
  private readonly fencedSessions = new Set<number>();
  private fenced = false;
  private readonly dropped: Record<DropReason, number> = {
    bufferFull: 0,
    rejectedBatch: 0,
    closed: 0,
  };
  private readonly unreported: Record<DropReason, number> = {
    bufferFull: 0,
    rejectedBatch: 0,
    closed: 0,
  };
  private dropTimer: NodeJS.Timeout | undefined;
  private lastDropReportAt = Number.NEGATIVE_INFINITY;

  constructor(options: TabaClientOptions) {
    this.options = resolveOptions(options);
    this.onDrop = options.onDrop;
    this.onError = options.onError;
    this.nextSeq = Date.now() * 1000;
    this.segments = [new Segment(this.lastSegmentId)];
    this.deserialize = loadTabaProtos().taba.v1.Taba.service.PostEvents.responseDeserialize;
    const { retry } = this.options;
    this.grpc = new Client(
      this.options.address,
      options.credentials ??
        clientChannelCredentials(options.tls ?? loadClientTlsOptions(process.env)),
      {
        ...grpcChannelOptions(),
        // Reconnect about as often as batches are retried, not after grpc's default of up to 2 min.
        'grpc.initial_reconnect_backoff_ms': Math.max(100, Math.round(retry.initialMs)),
        'grpc.max_reconnect_backoff_ms': Math.max(100, Math.round(retry.maxMs)),
      },
    );
    this.timer = setInterval(() => this.pump(), this.options.flushMs);
    this.timer.unref();
  }

  /** The client ID batches are sent as. */
  get clientId(): string {
    return this.options.clientId;
  }

  /** COUNTER_GROUP: counts, totals and averages per window. */
  counter(name: string, value = 1): void {
    this.add(name, 'COUNTER_GROUP', value, undefined, undefined, undefined);
  }

  /** PERCENTILE_GROUP: counts, totals and percentiles per window. */
  percentile(name: string, value: number): void {
    this.add(name, 'PERCENTILE_GROUP', value, undefined, undefined, undefined);
  }

  /** GAUGE (latest value per client, 48 h), or EXPIRY_GAUGE when `expiry` is given. */
  gauge(name: string, value: number | string, expiry?: number | Date): void {
    if (expiry === undefined) this.add(name, 'GAUGE', value, undefined, undefined, undefined);
    else this.add(name, 'EXPIRY_GAUGE', value, expiry, undefined, undefined);
  }

  /** BUFFER: the newest values until `expiry` (epoch seconds or a Date). */
  buffer(name: string, value: number | string, expiry: number | Date): void {
    this.add(name, 'BUFFER', value, expiry, undefined, undefined);
  }

  /** UNIQUE: distinct values per window. */
  unique(name: string, value: string | number): void {
    this.add(name, 'UNIQUE', value, undefined, undefined, undefined);
  }

  /** HISTOGRAM: counts per bucket of `bounds` (strictly increasing upper bounds). */
  histogram(name: string, value: number, bounds: readonly number[]): void {
    this.add(name, 'HISTOGRAM', value, undefined, bounds, undefined);
  }

  /** Any type, as the proto names it (COUNTER_GROUP) or as Taba spelled it (CounterGroup). */
  record(
    name: string,
    type: TabTypeName | string,
    value: number | string,
    options: RecordOptions = {},
  ): void {
    this.add(name, resolveType(type), value, options.expiry, options.bounds, options.timestamp);
  }

  /** A snapshot of the counters. */
  stats(): TabaClientStats {
    return {
      sent: this.sent,
      batches: this.batches,
      applied: this.applied,
      rejected: this.rejected,
      rejectedByCode: { ...this.rejectedByCode },
      duplicates: this.duplicates,
      dropped: { ...this.dropped },
      pending: this.pending,
      inFlight: this.inFlight?.events ?? 0,
      retries: this.retries,
      seq: this.lastSeq,
      session: this.session,
      olderSessionsFenced: this.fencedSessions.size,
      fenced: this.fenced,
    };
  }

  /**
   * Resolves once every event recorded before the call is acknowledged or dropped. Sends at
   * once instead of waiting for the timer; retries as usual (so it waits while the gateway
   * is unreachable).
   */
  flush(): Promise<void> {
    const target = this.seal();
    if (this.settled(target)) return Promise.resolve();
    return new Promise(resolve => {
      this.waiters.push({ target, resolve });
      // A flush is awaited: its retry must keep the process alive.
      this.inFlight?.retryTimer?.ref();
      this.pump();
    });
  }

  /**
   * Stops the timer, sends what is left and closes the channel. Gives up after `timeoutMs`:
   * what is still unsent then is counted as `dropped.closed` and reported. Events recorded
   * after `close()` are dropped the same way. Calling it again returns the same promise.
   */
  close(options: { readonly timeoutMs?: number } = {}): Promise<void> {
    this.closing ??= this.shutdown(options.timeoutMs ?? DEFAULT_CLOSE_TIMEOUT_MS);
    return this.closing;
  }

  private async shutdown(timeoutMs: number): Promise<void> {
    clearInterval(this.timer);
    let timeout: NodeJS.Timeout | undefined;
    const gaveUp = new Promise<boolean>(resolve => {
      timeout = setTimeout(() => resolve(true), timeoutMs);
    });
    const timedOut = await Promise.race([this.flush().then(() => false), gaveUp]);
    clearTimeout(timeout);
    if (timedOut) this.abandon();
    this.channelClosed = true;
    this.reportDrops();
    this.grpc.close();
  }

  /** Counts everything unsent as dropped (closed) and forgets it. */
  private abandon(): void {
    const batch = this.inFlight;
    let lost = this.pending;
    if (batch) {
      lost += batch.events;
      this.inFlight = undefined;
      clearTimeout(batch.retryTimer);
      batch.call?.cancel();
    }
    this.pending = 0;
    this.segments.splice(0, this.segments.length, new Segment(++this.lastSegmentId));
    if (lost > 0) this.noteDrop('closed', lost);
    for (const waiter of this.waiters.splice(0)) waiter.resolve();
  }

  private add(
    name: string,
    type: TabTypeName,
    value: number | string,
    expiry: number | Date | undefined,
    bounds: readonly number[] | undefined,
    timestamp: number | Date | undefined,
  ): void {
    const kind = valueKind(name, type, value);
    const withExpiry = NEEDS_EXPIRY.has(type);
    let expirySeconds = 0;
    if (withExpiry) {
      if (expiry === undefined) {
        throw new TypeError(`TabaClient: ${tabaTypeName(type)} "${name}" needs an expiry`);
      }
      expirySeconds = epochSeconds('expiry', expiry);
    } else if (expiry !== undefined) {
      throw new TypeError(`TabaClient: ${tabaTypeName(type)} "${name}" takes no expiry`);
    }
    if (type === 'HISTOGRAM') {
      if (bounds === undefined) throw new TypeError(`TabaClient: Histogram "${name}" needs bounds`);
    } else if (bounds !== undefined) {
      throw new TypeError(`TabaClient: ${tabaTypeName(type)} "${name}" takes no bounds`);
    }
    const at = timestamp === undefined ? Date.now() / 1000 : epochSeconds('timestamp', timestamp);

    const tail = this.tail();
    let column = tail.find(name, type, kind, bounds);
    if (column === undefined) {
      // A new column: its name and bounds are checked once, not per event.
      if (typeof name !== 'string') {
        throw new TypeError(`TabaClient: a Tab name must be a string, got ${describe(name)}`);
      }
      const problem = nameProblem('name', name, DEFAULT_EVENT_LIMITS.maxNameLength);
      if (problem) throw new RangeError(`TabaClient: ${problem}`);
      if (bounds !== undefined) checkBounds(bounds);
    }
    if (this.closing) {
      this.noteDrop('closed', 1);
      return;
    }
    if (this.pending >= this.options.maxBuffered) {
      this.noteDrop('bufferFull', 1);
      return;
    }
    if (column === undefined) {
      column = new Column(name, type, kind, withExpiry, bounds && [...bounds]);
      tail.add(column);
    }
    if (kind === 'number') column.pushNumber(at, value as number, expirySeconds);
    else column.pushString(at, value as string, expirySeconds);
    tail.events += 1;
    this.pending += 1;
    if (this.pending >= this.options.maxBatch && this.inFlight === undefined) this.schedulePump();
  }

  private tail(): Segment {
    const tail = this.segments[this.segments.length - 1];
    if (tail === undefined) throw new Error('TabaClient: no open segment');
    return tail;
  }

  /** Closes the open segment if it holds (or sent) anything; returns its id. */
  private seal(): number {
    const tail = this.tail();
    if (tail.events > 0 || this.inFlight?.segmentId === tail.id) {
      tail.sealed = true;
      this.segments.push(new Segment(++this.lastSegmentId));
    }
    return tail.id;
  }

  /** True when every event of segments up to `target` is acknowledged or dropped. */
  private settled(target: number): boolean {
    if (this.inFlight && this.inFlight.segmentId <= target) return false;
    for (const segment of this.segments) {
      if (segment.id > target) break;
      if (segment.events > 0) return false;
    }
    return true;
  }

  /** The oldest segment holding events, dropping emptied sealed ones in front of it. */
  private head(): Segment | undefined {
    for (;;) {
      const first = this.segments[0];
      if (first === undefined) return undefined;
      if (first.events > 0) return first;
      if (!first.sealed) return undefined;
      this.segments.shift();
    }
  }

  private schedulePump(): void {
    if (this.pumpScheduled) return;
    this.pumpScheduled = true;
    queueMicrotask(() => {
      this.pumpScheduled = false;
      this.pump();
    });
  }

  /** Cuts and sends the next batch, unless one is in flight. */
  private pump(): void {
    if (this.inFlight !== undefined || this.channelClosed) return;
    const segment = this.head();
    if (segment === undefined) {
      this.resolveWaiters();
      return;
    }
    const columns = segment.cut(this.options.maxBatch);
    let events = 0;
    for (const column of columns) events += column.length;
    this.pending -= events;
    const seq = this.nextSeq;
    this.nextSeq += 1;
    this.lastSeq = seq;
    const bytes = encodeEventBatch(
      { clientId: this.options.clientId, seq, sentAt: Date.now() / 1000, session: this.session },
      columns,
    );
    const batch: InFlightBatch = {
      seq,
      bytes,
      events,
      segmentId: segment.id,
      names: columns.map(column => column.name),
      failures: 0,
      call: undefined,
      retryTimer: undefined,
    };
    this.inFlight = batch;
    this.send(batch);
  }

  private send(batch: InFlightBatch): void {
    batch.call = this.grpc.makeUnaryRequest(
      POST_EVENTS_PATH,
      (bytes: Buffer) => bytes,
      this.deserialize,
      batch.bytes,
      this.callMetadata(),
      { deadline: Date.now() + this.options.deadlineMs },
      (error: ServiceError | null, reply?: PostEventsReply) => this.answered(batch, error, reply),
    );
  }

  /** Metadata of each call: the bearer token, when one is configured. */
  private callMetadata(): Metadata {
    const metadata = new Metadata();
    if (this.options.token !== undefined) {
      metadata.set(AUTHORIZATION_METADATA_KEY, `Bearer ${this.options.token}`);
    }
    return metadata;
  }

  private answered(
    batch: InFlightBatch,
    error: ServiceError | null,
    reply: PostEventsReply | undefined,
  ): void {
    if (batch !== this.inFlight) return; // abandoned by close()
    batch.call = undefined;
    if (error === null && reply !== undefined) {
      this.acknowledge(batch, reply);
    } else {
      const code = error?.code ?? status.INTERNAL;
      const codeName = status[code] ?? String(code);
      const details = error?.details ?? 'no reply';
      const reason = reasonOf(error);
      if (reason === 'SESSION_FENCED') this.fenced = true;
      if (isRetryable(error) && !this.channelClosed) {
        batch.failures += 1;
        const wait = backoffMs(this.options.retry, batch.failures);
        this.reportError(
          new TabaClientError(
            `PostEvents seq ${batch.seq} failed (${codeName}: ${details}); retrying in ${Math.round(wait)} ms`,
            codeName,
            batch.seq,
            batch.events,
            true,
            [],
            { cause: error },
            reason,
          ),
          batch.failures === 1,
        );
        batch.retryTimer = setTimeout(() => {
          batch.retryTimer = undefined;
          if (batch !== this.inFlight) return;
          this.retries += 1;
          this.send(batch);
        }, wait);
        if (this.waiters.length === 0) batch.retryTimer.unref();
        return;
      }
      this.noteDrop('rejectedBatch', batch.events);
      this.reportError(
        new TabaClientError(
          `PostEvents seq ${batch.seq} refused (${codeName}: ${details}); its ${batch.events} events are dropped`,
          codeName,
          batch.seq,
          batch.events,
          false,
          [],
          { cause: error },
          reason,
        ),
        true,
      );
    }
    this.inFlight = undefined;
    this.resolveWaiters();
    if (this.pending >= this.options.maxBatch || this.waiters.length > 0) this.pump();
  }

  private acknowledge(batch: InFlightBatch, reply: PostEventsReply): void {
    this.batches += 1;
    this.sent += batch.events;
    this.applied += reply.applied;
    if (reply.duplicate) this.duplicates += 1;
    if (reply.fencedOlderSession) this.noteFencedOlder(batch, reply.fencedSession);
    if (reply.rejectedCount === 0) return;
    this.rejected += reply.rejectedCount;
    const rejections: RejectedEvent[] = reply.rejected.map(rejection => ({
      name: batch.names[rejection.tab] ?? '?',
      event: rejection.event,
      code: rejection.code,
      reason: rejection.reason,
    }));
    for (const rejection of rejections) {
      this.rejectedByCode[rejection.code] = (this.rejectedByCode[rejection.code] ?? 0) + 1;
    }
    const unlisted = reply.rejectedCount - rejections.length;
    if (unlisted > 0) {
      this.rejectedByCode.UNLISTED = (this.rejectedByCode.UNLISTED ?? 0) + unlisted;
    }
    const first = rejections[0];
    const example = first ? `; first: ${first.name} ${first.code}: ${first.reason}` : '';
    this.reportError(
      new TabaClientError(
        `PostEvents seq ${batch.seq}: ${reply.rejectedCount} of ${batch.events} events rejected${example}`,
        'REJECTED_EVENTS',
        batch.seq,
        reply.rejectedCount,
        false,
        rejections,
      ),
      true,
    );
  }

  /** Tells onError, once per older session, that this session took the client ID over. */
  private noteFencedOlder(batch: InFlightBatch, older: number): void {
    if (this.fencedSessions.has(older)) return;
    this.fencedSessions.add(older);
    const which = older > 0 ? `session ${older}` : 'a sender without a session';
    this.reportError(
      new TabaClientError(
        `client ID ${this.options.clientId}: session ${this.session} took over from ${which}, whose batches are now refused (SESSION_FENCED); after a restart that is expected, otherwise another process uses this client ID`,
        'FENCED_OLDER_SESSION',
        batch.seq,
        0,
        false,
      ),
      false,
    );
  }

  private resolveWaiters(): void {
    if (this.waiters.length === 0) return;
    const waiting: FlushWaiter[] = [];
    for (const waiter of this.waiters) {
      if (this.settled(waiter.target)) waiter.resolve();
      else waiting.push(waiter);
    }
    this.waiters = waiting;
  }

  private noteDrop(reason: DropReason, count: number): void {
    this.dropped[reason] += count;
    this.unreported[reason] += count;
    if (this.dropTimer !== undefined) return;
    const wait = Math.max(0, this.lastDropReportAt + DROP_REPORT_INTERVAL_MS - performance.now());
    this.dropTimer = setTimeout(() => this.reportDrops(), wait);
    this.dropTimer.unref();
  }

  private reportDrops(): void {
    clearTimeout(this.dropTimer);
    this.dropTimer = undefined;
    for (const reason of DROP_REASONS) {
      const count = this.unreported[reason];
      if (count === 0) continue;
      this.unreported[reason] = 0;
      this.lastDropReportAt = performance.now();
      const report: DropReport = { reason, count, total: this.dropped[reason] };
      if (this.onDrop) {
        this.callSafely(() => this.onDrop?.(report));
      } else {
        process.emitWarning(
          `TabaClient ${this.options.clientId}: dropped ${count} events (${reason}); ${report.total} in all`,
          { type: 'TabaClientWarning', code: 'TABA_CLIENT_DROP' },
        );
      }
    }
  }

  /** Hands `error` to onError; without one, warns (once per batch for retried failures). */
  private reportError(error: TabaClientError, warnByDefault: boolean): void {
    if (this.onError) {
      this.callSafely(() => this.onError?.(error));
    } else if (warnByDefault) {
      process.emitWarning(`TabaClient ${this.options.clientId}: ${error.message}`, {
        type: 'TabaClientWarning',
        code: 'TABA_CLIENT_ERROR',
      });
    }
  }

  /** A throwing callback must not break the send loop: its error becomes a warning. */
  private callSafely(callback: () => void): void {
    try {
      callback();
    } catch (error) {
      process.emitWarning(
        `TabaClient: an onDrop/onError callback threw: ${error instanceof Error ? error.message : String(error)}`,
        { type: 'TabaClientWarning', code: 'TABA_CLIENT_CALLBACK' },
      );
    }
  }
}
