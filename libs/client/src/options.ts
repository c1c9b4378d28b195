import type { ChannelCredentials } from '@grpc/grpc-js';
import type { BackoffOptions, ClientTlsFiles } from '@taba/common';
import { backoffMs, DEFAULT_EVENT_LIMITS, DEFAULT_GRPC_ADDRESSES, nameProblem } from '@taba/common';
import type { TabaClientError } from './errors.js';

/**
 * How a failed batch is retried: exponential backoff with jitter (`backoffMs` of @taba/common).
 * @default { initialMs: 100, maxMs: 10000, multiplier: 2, jitter: 0.2 }
 */
export type RetryOptions = BackoffOptions;

export { backoffMs };

/** Why events were dropped. */
export type DropReason = 'bufferFull' | 'rejectedBatch' | 'closed';

/** A report of dropped events: `count` since the last report of this reason, `total` ever. */
export interface DropReport {
  readonly reason: DropReason;
  readonly count: number;
  readonly total: number;
}

export interface TabaClientOptions {
  /** The gateway, `host:port`. @default '127.0.0.1:8301' */
  readonly address?: string;
  /** Who sends: 1–256 characters of Taba's name alphabet. Required. */
  readonly clientId: string;
  /** A batch is sent at least this often while events are pending, ms. @default 1000 */
  readonly flushMs?: number;
  /** Most events per batch; reaching it sends at once. @default 10000 */
  readonly maxBatch?: number;
  /** Most events waiting (not in flight); past it new events are dropped. @default 1000000 */
  readonly maxBuffered?: number;
  /** Deadline of each PostEvents attempt, ms. @default 10000 */
  readonly deadlineMs?: number;
  readonly retry?: Partial<RetryOptions>;
  /** Called when events are dropped (buffer-full reports at most once a second; counts exact). */
  readonly onDrop?: (report: DropReport) => void;
  /** Called for every failed attempt, rejected batch and batch with rejected events. */
  readonly onError?: (error: TabaClientError) => void;
  /**
   * TLS to the gateway: the CA its certificate chains to, and a client certificate when it
   * requires one (mTLS). @default from TABA_TLS_CA_FILE, TABA_TLS_CLIENT_CERT_FILE,
   * TABA_TLS_CLIENT_KEY_FILE and TABA_TLS_SERVER_NAME when TABA_TLS_CA_FILE is set, else plaintext
   */
  readonly tls?: ClientTlsFiles;
  /** gRPC channel credentials of your own; they take precedence over `tls`. */
  readonly credentials?: ChannelCredentials;
  /**
   * Bearer token sent as `authorization: Bearer <token>` on every call, for a gateway with
   * TABA_AUTH=required; it needs `write` for this clientId. A refusal (UNAUTHENTICATED,
   * PERMISSION_DENIED) is not retried: it reaches onError and the batch is dropped.
   * @default TABA_TOKEN from the environment, else none
   */
  readonly token?: string;
}

/** The options with every default applied, checked. */
export interface ResolvedOptions {
  readonly address: string;
  readonly clientId: string;
  readonly flushMs: number;
  readonly maxBatch: number;
  readonly maxBuffered: number;
  readonly deadlineMs: number;
  readonly retry: RetryOptions;
  readonly token: string | undefined;
}

export const DEFAULT_CLIENT_OPTIONS = {
  address: DEFAULT_GRPC_ADDRESSES.gateway,
  flushMs: 1000,
  maxBatch: 10_000,
  maxBuffered: 1_000_000,
  deadlineMs: 10_000,
  retry: { initialMs: 100, maxMs: 10_000, multiplier: 2, jitter: 0.2 },
} as const;

function positive(what: string, value: number, integer: boolean): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) {
    throw new RangeError(`TabaClient: ${what} must be a positive number, got ${String(value)}`);
  }
  if (integer && !Number.isInteger(value)) {
    throw new RangeError(`TabaClient: ${what} must be an integer, got ${value}`);
  }
  return value;
}

/** Applies the defaults; throws TypeError/RangeError naming the first bad option. */
export function resolveOptions(options: TabaClientOptions): ResolvedOptions {
  if (typeof options?.clientId !== 'string') {
    throw new TypeError('TabaClient: clientId is required (a string)');
  }
  const problem = nameProblem('clientId', options.clientId, DEFAULT_EVENT_LIMITS.maxClientIdLength);
  if (problem) throw new RangeError(`TabaClient: ${problem}`);
  const address = options.address ?? DEFAULT_CLIENT_OPTIONS.address;
  if (typeof address !== 'string' || address.trim() === '') {
    throw new TypeError('TabaClient: address must be a non-empty "host:port" string');
  }
  const defaults = DEFAULT_CLIENT_OPTIONS;
  const retry = { ...defaults.retry, ...options.retry };
  const maxBatch = positive('maxBatch', options.maxBatch ?? defaults.maxBatch, true);
  const token = options.token ?? (process.env.TABA_TOKEN?.trim() || undefined);
  if (token !== undefined && (typeof token !== 'string' || !/^\S+$/.test(token))) {
    throw new TypeError('TabaClient: token must be a non-empty string without spaces');
  }
  const resolved: ResolvedOptions = {
    address,
    clientId: options.clientId,
    flushMs: positive('flushMs', options.flushMs ?? defaults.flushMs, false),
    maxBatch,
    token,
    maxBuffered: positive('maxBuffered', options.maxBuffered ?? defaults.maxBuffered, true),
    deadlineMs: positive('deadlineMs', options.deadlineMs ?? defaults.deadlineMs, false),
    retry: {
      initialMs: positive('retry.initialMs', retry.initialMs, false),
      maxMs: positive('retry.maxMs', retry.maxMs, false),
      multiplier: positive('retry.multiplier', retry.multiplier, false),
      jitter: retry.jitter,
    },
  };
  if (!(retry.jitter >= 0 && retry.jitter <= 1)) {
    throw new RangeError(`TabaClient: retry.jitter must be between 0 and 1, got ${retry.jitter}`);
  }
  if (retry.multiplier < 1) {
    throw new RangeError(
      `TabaClient: retry.multiplier must be at least 1, got ${retry.multiplier}`,
    );
  }
  return resolved;
}
