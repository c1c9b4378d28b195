import type {
  BuiltService,
  Clock,
  Discovery,
  IngestHandlers,
  ServiceBuildContext,
  TraceCarrier,
} from '@taba/common';
import {
  clusterInstanceStatus,
  connectRedisShards,
  contextFromCarrier,
  contextFromMetadata,
  createDiscovery,
  createHandlerRegistry,
  grpcChannelOptions,
  loadTabaProtos,
  REASON_METADATA_KEY,
  type RedisShards,
  statusHandler,
  systemClock,
  toGrpcStatus,
  withBearerToken,
  withTraceContext,
} from '@taba/common';
import { AggregatorRouter } from './aggregator-router.js';
import type { IngestConfig } from './config.js';
import { IngestPipeline } from './ingest-pipeline.js';
import { IngestStats } from './ingest-stats.js';
import { TypeCache } from './type-cache.js';

/** The gRPC service the ingest service serves: validates batches and folds them into per-partition Deltas. */
export const INGEST_GRPC_SERVICE = 'taba.internal.v1.Ingest';

export interface IngestDependencies {
  /**
   * Where the aggregators are; the runner registers this instance in it and closes it.
   * @default what TABA_DISCOVERY says: static over config.aggregatorAddresses, or Consul
   */
  readonly discovery?: Discovery;
  /** @default connections to config.cluster.redisShards */
  readonly shards?: RedisShards;
  /** @default the system clock */
  readonly clock?: Clock;
}

/**
 * Adds `taba.internal.v1.Ingest` to the server; used as the `build` callback of
 * `startService`. The batch arrives as bytes and is decoded by the columnar reader.
 */
export function createIngestService(
  config: IngestConfig,
  context: ServiceBuildContext,
  deps: IngestDependencies = {},
): BuiltService {
  const startedAtSeconds = Date.now() / 1000;
  const clock = deps.clock ?? systemClock;
  const discovery =
    deps.discovery ??
    createDiscovery(
      config.base.discovery,
      { aggregator: config.aggregatorAddresses },
      context.logger,
    );
  const shards = deps.shards ?? connectRedisShards(config.cluster, context.logger);
  const registry = createHandlerRegistry({ clock, settings: config.handlerSettings });
  const types = new TypeCache(shards, config.cluster.partitionCount, config.typeCacheMs);
  const router = new AggregatorRouter(discovery, {
    partitionCount: config.cluster.partitionCount,
    deadlineMs: config.commitDeadlineMs,
    attempts: config.commitAttempts,
    channelOptions: withTraceContext(
      withBearerToken(grpcChannelOptions(config.base), config.base.internalTokens?.[0]),
    ),
    credentials: context.tls.channelCredentials(),
  });
  const stats = new IngestStats(
    context.metrics.latencyHistogram(
      'taba_batch_duration_seconds',
      'From a batch arriving at ingest to its answer, seconds',
    ),
  );
  const pipeline = new IngestPipeline(config, registry, types, router, clock, stats);

  const failed = (error: unknown) => {
    stats.batchesFailed += 1;
    context.refusals.countError(error);
    const status = toGrpcStatus(error);
    if (status.code === 13) context.logger.error({ err: error }, 'ingest failed');
    return status;
  };

  const status = () =>
    clusterInstanceStatus(
      {
        config: config.base,
        context,
        startedAtSeconds,
        discovery,
        peers: ['aggregator'],
        shards,
        partitionCount: config.cluster.partitionCount,
      },
      stats.metrics({
        'ingest.commit_retries': router.retries,
        'ingest.type_cache_hits': types.hits,
        'ingest.type_cache_misses': types.misses,
        ...pipeline.budget.metrics('ingest.inflight_bytes'),
        ...pipeline.admission.metrics('ingest.admission'),
      }),
      router.describe(),
    );
  context.metrics.useStatus(status);

  const handlers: Pick<IngestHandlers, 'Ingest' | 'IngestStream' | 'GetStatus'> = {
    Ingest: (call, callback) => {
      // The method is registered with a pass-through deserializer: the request is the raw bytes.
      pipeline
        .ingest(
          call.request as unknown as Uint8Array,
          contextFromMetadata(call.metadata),
          deadlineOf(call.getDeadline()),
        )
        .then(
          response => callback(null, response),
          (error: unknown) => callback(failed(error)),
        );
    },
    // Each request is answered on the same stream, tagged with its id, as soon as it is done.
    IngestStream: call => {
      let open = 0;
      let ended = false;
      const settle = () => {
        open -= 1;
        if (ended && open === 0 && !call.cancelled) call.end();
      };
      call.on('data', (request: { id: number; batch: Buffer } & TraceCarrier) => {
        open += 1;
        // Each batch carries its own trace context: the stream's metadata belongs to no batch.
        pipeline.ingest(request.batch, contextFromCarrier(request)).then(
          response => {
            if (!call.cancelled) call.write({ id: request.id, response });
            settle();
          },
          (error: unknown) => {
            const status = failed(error);
            if (!call.cancelled)
              call.write({
                id: request.id,
                errorCode: status.code,
                errorReason: String(status.metadata.get(REASON_METADATA_KEY)[0] ?? ''),
                errorMessage: status.details,
              });
            settle();
          },
        );
      });
      call.on('end', () => {
        ended = true;
        if (open === 0) call.end();
      });
      call.on('error', () => {
        ended = true;
      });
    },
    GetStatus: statusHandler(status),
  };
  const definition = loadTabaProtos().taba.internal.v1.Ingest.service;
  const passThrough = {
    ...definition,
    Ingest: { ...definition.Ingest, requestDeserialize: (bytes: Buffer) => bytes },
  };
  context.server.addService(passThrough, handlers);
  return {
    serviceNames: [INGEST_GRPC_SERVICE],
    // The runner registers this instance in it, deregisters it before draining, closes it last.
    discovery,
    close: async () => {
      router.close();
      if (!deps.shards) await shards.close();
    },
  };
}

/** A call's deadline as epoch ms; undefined when it has none (grpc-js reports Infinity). */
function deadlineOf(deadline: Date | number): number | undefined {
  const at = deadline instanceof Date ? deadline.getTime() : deadline;
  return Number.isFinite(at) ? at : undefined;
}
