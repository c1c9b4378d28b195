import type { ChannelCredentials, Client, ServiceError } from '@grpc/grpc-js';
import { Metadata, status } from '@grpc/grpc-js';
import type {
  AggregatorClient,
  Discovery,
  IngestClient,
  InstanceStatus,
  InstanceStatus__Output,
  QueryClient,
  TabaProtos,
} from '@taba/common';
import {
  failedBeforeSending,
  grpcChannelOptions,
  InflightBudget,
  InstancePool,
  inSpan,
  isRetryableError,
  loadTabaProtos,
  readBatchSeq,
  SpanKind,
  withBearerToken,
} from '@taba/common';
import type { PostEventsResponse__Output } from './contract.js';
import { IngestStreams } from './ingest-streams.js';

/** The Query methods the gateway forwards (every one but GetStatus). */
export const QUERY_METHODS = [
  'GetAggregates',
  'GetProjections',
  'GetSuperAggregate',
  'ListNames',
  'ListClients',
  'ListTypes',
  'DeleteTabs',
  'GetCardinality',
] as const;

export type QueryMethod = (typeof QUERY_METHODS)[number];

type QueryDefinition = TabaProtos['taba']['internal']['v1']['Query']['service'];
/** The request a Query method takes, in its input form. */
export type QueryRequest<K extends QueryMethod> = Parameters<
  QueryDefinition[K]['requestSerialize']
>[0];
/** The decoded response of a Query method. */
export type QueryResponse<K extends QueryMethod> = ReturnType<
  QueryDefinition[K]['responseDeserialize']
>;

/** How long each instance gets to answer GetStatus, ms (the caller's deadline may be sooner). */
export const STATUS_CALL_TIMEOUT_MS = 1000;

export interface DownstreamOptions {
  /** Deadline of every forwarded call unless the caller's is sooner, ms. */
  readonly callDeadlineMs: number;
  /** Largest gRPC message to and from the instances, bytes (TABA_MAX_RESPONSE_BYTES). */
  readonly maxResponseBytes: number;
  /** Post batches to ingest over long-lived streams (see IngestStreams). @default false */
  readonly ingestStreams?: boolean;
  /** Streams per ingest instance. @default 8 */
  readonly ingestStreamCount?: number;
  /** Batch bytes forwarded and not yet answered; beyond it posts are refused. @default unbounded */
  readonly maxInflightBytes?: number;
  /** Presented on every call (TABA_INTERNAL_TOKEN). @default none */
  readonly internalToken?: string;
  /** Credentials of the channels to the instances (the service's TlsCredentials). @default plaintext */
  readonly credentials?: ChannelCredentials;
}

export interface CallContext {
  /** Absolute deadline, epoch ms. */
  readonly deadline: number;
  /** Cancels the downstream call (and stops retries) when the caller goes away. */
  readonly signal?: AbortSignal;
}

const identity = (bytes: Buffer): Buffer => bytes;

/**
 * One unary call by method path. Rejects with the raw ServiceError, so the pool sees the status
 * code (to decide on a retry) and the handler passes code and reason through.
 */
function invoke<Request, Response>(
  client: Client,
  path: string,
  serialize: (value: Request) => Buffer,
  deserialize: (bytes: Buffer) => Response,
  request: Request,
  context: CallContext,
): Promise<Response> {
  return new Promise((resolve, reject) => {
    const { signal } = context;
    if (signal?.aborted) {
      reject(
        Object.assign(new Error('cancelled by the caller'), {
          code: status.CANCELLED,
          details: 'cancelled by the caller',
          metadata: new Metadata(),
        }),
      );
      return;
    }
    const onAbort = () => call.cancel();
    const call = client.makeUnaryRequest(
      path,
      serialize,
      deserialize,
      request,
      new Metadata(),
      { deadline: context.deadline },
      (error: ServiceError | null, response?: Response) => {
        signal?.removeEventListener('abort', onAbort);
        if (error) reject(error);
        else if (response === undefined) reject(new Error(`${path} answered nothing`));
        else resolve(response);
      },
    );
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** An InstanceStatus standing for an instance that did not answer GetStatus. */
function unreachable(service: string, id: string, address: string, error: unknown): InstanceStatus {
  const described =
    error instanceof Error && 'code' in error && typeof error.code === 'number'
      ? `${status[error.code] ?? error.code}: ${(error as ServiceError).details}`
      : String(error instanceof Error ? error.message : error);
  return {
    service,
    instanceId: id,
    address,
    startedAt: 0,
    version: '',
    metrics: {},
    details: { error: described },
  };
}

/**
 * The gateway's side of the internal services: a pool per service over what discovery
 * reports, with every call bounded by a deadline.
 */
export class Downstream {
  readonly ingest: InstancePool<IngestClient>;
  readonly query: InstancePool<QueryClient>;
  readonly aggregator: InstancePool<AggregatorClient>;
  private readonly protos = loadTabaProtos().taba.internal.v1;
  private readonly streams: IngestStreams;
  /** Ingest clients whose instance answered UNIMPLEMENTED to IngestStream (an older version). */
  private readonly unaryOnly = new WeakSet<IngestClient>();
  /** Back-pressure on posts: batch bytes forwarded and not yet answered. */
  readonly inflight: InflightBudget;

  constructor(
    discovery: Discovery,
    private readonly options: DownstreamOptions,
  ) {
    this.streams = new IngestStreams(options.ingestStreamCount ?? 8);
    this.inflight = new InflightBudget(
      options.maxInflightBytes ?? Number.POSITIVE_INFINITY,
      'batch bytes',
      'TABA_GATEWAY_MAX_INFLIGHT_BYTES',
    );
    const poolOptions = {
      channelOptions: withBearerToken(
        grpcChannelOptions({ maxResponseBytes: options.maxResponseBytes }),
        options.internalToken,
      ),
      ...(options.credentials && { credentials: options.credentials }),
    };
    this.ingest = new InstancePool(discovery, 'ingest', this.protos.Ingest, poolOptions);
    this.query = new InstancePool(discovery, 'query', this.protos.Query, poolOptions);
    this.aggregator = new InstancePool(
      discovery,
      'aggregator',
      this.protos.Aggregator,
      poolOptions,
    );
  }

  /**
   * The deadline of a downstream call, epoch ms: the configured call deadline from now, or the
   * caller's deadline (a Date or epoch ms; Infinity for none) when that is sooner.
   */
  deadline(callerDeadline: Date | number = Number.POSITIVE_INFINITY): number {
    const caller = callerDeadline instanceof Date ? callerDeadline.getTime() : callerDeadline;
    return Math.min(Date.now() + this.options.callDeadlineMs, caller);
  }

  /**
   * An already-encoded EventBatch to ingest, the bytes untouched: on the instance's long-lived
   * IngestStream, or as a unary Ingest call when streams are off or the instance has none.
   */
  async postBatch(batch: Buffer, context: CallContext): Promise<PostEventsResponse__Output> {
    const release = this.inflight.acquire(batch.length);
    try {
      return await this.forwardBatch(batch, context);
    } finally {
      release();
    }
  }

  /**
   * A batch with a seq may be re-posted on another ingest after any UNAVAILABLE (the marks
   * make a repeat harmless); one without (at least once) only when the failure certainly came
   * before it was sent, else a repeat could count it twice: its error is answered instead.
   */
  private forwardBatch(batch: Buffer, context: CallContext): Promise<PostEventsResponse__Output> {
    const method = this.protos.Ingest.service.Ingest;
    const options = {
      ...context,
      retryable: readBatchSeq(batch) > 0 ? isRetryableError : failedBeforeSending,
    };
    const unary = (client: IngestClient) =>
      invoke(client, method.path, identity, method.responseDeserialize, batch, context);
    const send = (client: IngestClient) =>
      !this.options.ingestStreams || this.unaryOnly.has(client)
        ? unary(client)
        : this.streams.send(client, batch, context.deadline).catch((error: unknown) => {
            if ((error as Partial<ServiceError>).code !== status.UNIMPLEMENTED) throw error;
            this.unaryOnly.add(client);
            return unary(client);
          });
    // One CLIENT span per attempt, naming the instance: ingest's span is its child.
    return this.ingest.call(
      (client, instance) =>
        inSpan(
          'ingest.forward',
          {
            kind: SpanKind.CLIENT,
            attributes: {
              'rpc.system': 'grpc',
              'server.address': instance.address,
              'taba.instance': instance.id,
              'taba.batch.bytes': batch.length,
            },
          },
          () => send(client),
        ),
      options,
    );
  }

  /** A Query method with request and response as encoded bytes: the gateway forwards them unchanged. */
  queryBytes(method: QueryMethod, request: Buffer, context: CallContext): Promise<Buffer> {
    const path = this.protos.Query.service[method].path;
    return this.query.call(
      client => invoke(client, path, identity, identity, request, context),
      context,
    );
  }

  /** A Query method with typed request and response (the REST bridge). */
  queryTyped<K extends QueryMethod>(
    method: K,
    request: QueryRequest<K>,
    context: CallContext,
  ): Promise<QueryResponse<K>> {
    const definition = this.protos.Query.service[method] as unknown as {
      readonly path: string;
      readonly requestSerialize: (value: QueryRequest<K>) => Buffer;
      readonly responseDeserialize: (bytes: Buffer) => QueryResponse<K>;
    };
    return this.query.call(
      client =>
        invoke(
          client,
          definition.path,
          definition.requestSerialize,
          definition.responseDeserialize,
          request,
          context,
        ),
      context,
    );
  }

  /**
   * GetStatus of every ingest, query and aggregator instance, side by side, each bounded by
   * {@link STATUS_CALL_TIMEOUT_MS}; one that does not answer shows as an InstanceStatus whose
   * `details.error` says why.
   */
  async instanceStatuses(callerDeadline: number): Promise<InstanceStatus[]> {
    const deadline = Math.min(callerDeadline, Date.now() + STATUS_CALL_TIMEOUT_MS);
    const targets = [
      { pool: this.ingest, method: this.protos.Ingest.service.GetStatus },
      { pool: this.query, method: this.protos.Query.service.GetStatus },
      { pool: this.aggregator, method: this.protos.Aggregator.service.GetStatus },
    ];
    const calls = targets.flatMap(({ pool, method }) =>
      pool
        .members()
        .map(({ instance, client }) =>
          invoke<object, InstanceStatus__Output | InstanceStatus>(
            client,
            method.path,
            method.requestSerialize,
            method.responseDeserialize,
            {},
            { deadline },
          ).catch((error: unknown) =>
            unreachable(pool.service, instance.id, instance.address, error),
          ),
        ),
    );
    return Promise.all(calls);
  }

  /** Instances and retries per service, for the gateway's own status. */
  metrics(): Record<string, number> {
    const metrics: Record<string, number> = {};
    for (const pool of [this.ingest, this.query, this.aggregator]) {
      metrics[`instances.${pool.service}`] = pool.size;
      metrics[`retries.${pool.service}`] = pool.retries;
    }
    Object.assign(metrics, this.inflight.metrics('gateway.inflight_bytes'));
    return metrics;
  }

  close(): void {
    this.ingest.close();
    this.query.close();
    this.aggregator.close();
  }
}
