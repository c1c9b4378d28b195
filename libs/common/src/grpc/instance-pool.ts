import type { ChannelCredentials, ChannelOptions, Client } from '@grpc/grpc-js';
import { credentials as grpcCredentials, status } from '@grpc/grpc-js';
import type { Discovery, ServiceInstance } from '../discovery/discovery.js';
import { isGrpcServiceError, REASON_METADATA_KEY } from '../errors/grpc-status.js';
import { isTabaError, UnavailableError } from '../errors/taba-error.js';
import type { ServiceName } from '../service/base-config.js';
import { withTraceContext } from '../telemetry/trace-context.js';
import { grpcChannelOptions } from './server.js';

/** A generated grpc-js client class (e.g. `loadTabaProtos().taba.internal.v1.Ingest`). */
export type GrpcClientConstructor<C extends Client> = new (
  address: string,
  credentials: ChannelCredentials,
  options?: ChannelOptions,
) => C;

export interface InstancePoolOptions {
  /** Channel options of every client. @default grpcChannelOptions() */
  readonly channelOptions?: ChannelOptions;
  /** @default insecure (TLS terminates in front) */
  readonly credentials?: ChannelCredentials;
}

/** One instance the pool holds a client for. */
export interface PoolMember<C> {
  readonly instance: ServiceInstance;
  readonly client: C;
}

export interface PoolCallOptions {
  /** Once aborted (e.g. the caller's own call was cancelled), no further instance is tried. */
  readonly signal?: AbortSignal;
  /**
   * Whether a failure may be tried on another instance; narrower for a call that must not run
   * twice (a post without a seq). @default isRetryableError
   */
  readonly retryable?: (error: unknown) => boolean;
}

/** Reason of the UNAVAILABLE error when discovery reports no instance at all. */
export const NO_INSTANCE_REASON = 'NO_INSTANCE';

const CONNECTION_ERROR_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
  'ETIMEDOUT',
]);

/**
 * Whether a failed call may succeed on another instance: a gRPC UNAVAILABLE (grpc-js reports a
 * refused or dropped connection that way), a TabaError of kind UNAVAILABLE, or a Node
 * connection error. Anything else (a bad request, a conflict, a deadline) fails the same way
 * everywhere, or has no time left to try again.
 */
export function isRetryableError(error: unknown): boolean {
  if (isGrpcServiceError(error)) return error.code === status.UNAVAILABLE;
  if (isTabaError(error)) return error.kind === 'UNAVAILABLE';
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && CONNECTION_ERROR_CODES.has(code);
}

/**
 * Whether a failed call certainly never reached the instance: grpc-js found no connection to
 * send it on (refused, unreachable), so it is safe to try elsewhere whatever the call does.
 * A call that failed once sent (a dropped connection, a deadline, an error answered: those
 * carry a `taba-reason`, even when they quote a failure of the callee's own callee) may have
 * done its work.
 */
export function failedBeforeSending(error: unknown): boolean {
  return (
    isGrpcServiceError(error) &&
    error.code === status.UNAVAILABLE &&
    (error.metadata?.get(REASON_METADATA_KEY).length ?? 0) === 0 &&
    error.details.includes(NOT_SENT_DETAILS)
  );
}

/** What grpc-js says when it had no connection to send a call on (its pickers' message). */
const NOT_SENT_DETAILS = 'No connection established';

function reasonOf(error: unknown): string {
  if (isTabaError(error)) return error.reason;
  if (isGrpcServiceError(error)) return status[error.code] ?? 'UNAVAILABLE';
  return 'UNAVAILABLE';
}

function messageOf(error: unknown): string {
  if (isGrpcServiceError(error)) return error.details;
  return error instanceof Error ? error.message : String(error);
}

/**
 * gRPC clients of every instance of one service that a Discovery reports: a client is created
 * when an instance appears and closed when it leaves. `call` picks instances round-robin and,
 * when one fails with a retryable error ({@link isRetryableError}), tries each other instance
 * once before giving up with UNAVAILABLE.
 */
export class InstancePool<C extends Client> {
  private current: PoolMember<C>[] = [];
  private next = 0;
  private retryCount = 0;
  private closed = false;
  private readonly unwatch: () => void;

  constructor(
    discovery: Discovery,
    readonly service: ServiceName,
    private readonly ClientClass: GrpcClientConstructor<C>,
    private readonly options: InstancePoolOptions = {},
  ) {
    this.unwatch = discovery.watch(service, instances => this.update(instances));
  }

  /** The instances the pool holds clients for now, in discovery order. */
  members(): readonly PoolMember<C>[] {
    return this.current;
  }

  get size(): number {
    return this.current.length;
  }

  /** Calls that were tried again on another instance, since the pool was created. */
  get retries(): number {
    return this.retryCount;
  }

  /**
   * Runs `fn` with the client of the next instance (round-robin). A retryable failure moves on
   * to each other instance once, in turn; when every instance failed, this rejects with an
   * UnavailableError (the last failure's reason, the service named in the message, the failure
   * as `cause`). With no instance at all it rejects with reason NO_INSTANCE. A failure that is
   * not retryable is rethrown unchanged.
   */
  async call<T>(
    fn: (client: C, instance: ServiceInstance) => Promise<T>,
    options: PoolCallOptions = {},
  ): Promise<T> {
    const members = this.current;
    if (this.closed || members.length === 0) {
      throw new UnavailableError(
        NO_INSTANCE_REASON,
        `no ${this.service} instance is available${this.closed ? ' (the pool is closed)' : ''}`,
      );
    }
    const start = this.next % members.length;
    this.next = (start + 1) % Number.MAX_SAFE_INTEGER;
    let lastError: unknown;
    for (let attempt = 0; attempt < members.length; attempt += 1) {
      const member = members[(start + attempt) % members.length];
      if (member === undefined) continue;
      if (attempt > 0) this.retryCount += 1;
      try {
        return await fn(member.client, member.instance);
      } catch (error) {
        const retryable = options.retryable ?? isRetryableError;
        if (!retryable(error) || options.signal?.aborted) throw error;
        lastError = error;
      }
    }
    const tried = members.length === 1 ? 'its only instance' : `all ${members.length} instances`;
    throw new UnavailableError(
      reasonOf(lastError),
      `${this.service} unavailable (${tried} failed): ${messageOf(lastError)}`,
      { cause: lastError },
    );
  }

  /** Stops watching discovery and closes every client. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.unwatch();
    for (const member of this.current) member.client.close();
    this.current = [];
  }

  private update(instances: readonly ServiceInstance[]): void {
    if (this.closed) return;
    const previous = new Map(this.current.map(member => [member.instance.id, member]));
    const next: PoolMember<C>[] = [];
    for (const instance of instances) {
      const kept = previous.get(instance.id);
      if (kept && kept.instance.address === instance.address) {
        previous.delete(instance.id);
        next.push({ instance, client: kept.client });
        continue;
      }
      next.push({ instance, client: this.connect(instance.address) });
    }
    this.current = next;
    // Whatever is left has gone (or moved): its client closes, calls in flight on it fail.
    for (const gone of previous.values()) gone.client.close();
  }

  private connect(address: string): C {
    return new this.ClientClass(
      address,
      this.options.credentials ?? grpcCredentials.createInsecure(),
      // Every internal call carries the caller's trace context (`traceparent`).
      withTraceContext(this.options.channelOptions ?? grpcChannelOptions()),
    );
  }
}
