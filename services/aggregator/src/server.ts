import type {
  AggregatorHandlers,
  BuiltService,
  Clock,
  Discovery,
  ServiceBuildContext,
} from '@taba/common';
import {
  clusterInstanceStatus,
  connectRedisShards,
  createDiscovery,
  inSpan,
  isTabaError,
  loadTabaProtos,
  type RedisShards,
  SpanKind,
  statusHandler,
  systemClock,
} from '@taba/common';
import { CardinalityView } from './cardinality-view.js';
import { CellCompactor } from './cell-compactor.js';
import { commitHandler, pendingBudget } from './commit-handler.js';
import { CommitStats } from './commit-stats.js';
import type { AggregatorConfig } from './config.js';
import { GroupCommitter } from './group-commit.js';
import { PartitionOwnership } from './partition-ownership.js';
import { Pruner } from './pruner.js';
import { defineCommitScript } from './redis/commit-script.js';
import { commitToShard } from './shard-commit.js';

/** The gRPC service the aggregator service serves: commits Deltas of the partitions it owns. */
export const AGGREGATOR_GRPC_SERVICE = 'taba.internal.v1.Aggregator';

export interface AggregatorDependencies {
  /** @default connections to config.cluster.redisShards */
  readonly shards?: RedisShards;
  /**
   * Where the other aggregators are; the runner registers this instance in it and closes it.
   * @default what TABA_DISCOVERY says: static over config.aggregatorAddresses, or Consul
   */
  readonly discovery?: Discovery;
  /** @default the system clock */
  readonly clock?: Clock;
}

/**
 * Adds `taba.internal.v1.Aggregator` to the server; used as the `build` callback of
 * `startService`. Commit: group commit, one atomic script call per Redis shard, optional
 * WAIT for replicas, answered once durable.
 */
export function createAggregatorService(
  config: AggregatorConfig,
  context: ServiceBuildContext,
  deps: AggregatorDependencies = {},
): BuiltService {
  const startedAtSeconds = Date.now() / 1000;
  const shards = deps.shards ?? connectRedisShards(config.cluster, context.logger);
  for (const [, redis] of shards.all()) defineCommitScript(redis);
  const stats = new CommitStats(
    context.metrics.latencyHistogram(
      'taba_commit_duration_seconds',
      "From a Commit arriving at the aggregator to its answer (the group commit's lag), seconds",
    ),
  );
  const discovery =
    deps.discovery ??
    createDiscovery(
      config.base.discovery,
      { aggregator: config.aggregatorAddresses },
      context.logger,
    );
  const ownership = new PartitionOwnership(config.cluster.partitionCount);
  const unwatch = discovery.watch('aggregator', instances => {
    ownership.update(instances.map(instance => instance.id));
  });
  const pruner = new Pruner(
    shards,
    deps.clock ?? systemClock,
    {
      idleClientSeconds: config.idleClientSeconds,
      stateIdleSeconds: config.stateIdleSeconds,
      // Compared by discovery id: the address under static discovery, the instance id in Consul.
      partitions: () => ownership.ownedBy(context.selfId()),
    },
    context.logger,
  );
  pruner.start(config.pruneIntervalMs);

  const compactor = new CellCompactor(
    shards,
    deps.clock ?? systemClock,
    { maxQueued: config.compactQueue, concurrency: config.compactConcurrency },
    context.logger,
  );
  const cardinality = new CardinalityView(config);
  cardinality.start(
    shards,
    config.cluster.partitionCount,
    config.cardinalityRefreshMs,
    context.logger,
  );
  const budget = pendingBudget(config.maxPendingBytes);
  const committer = new GroupCommitter(
    async (shard, parts) => {
      stats.shardCommits += 1;
      try {
        const { outcomes, toCompact, created } = await inSpan(
          'redis.commit_script',
          {
            kind: SpanKind.CLIENT,
            attributes: { 'db.system': 'redis', 'taba.shard': shard, 'taba.parts': parts.length },
          },
          () =>
            commitToShard(shards.connection(shard), parts, Date.now(), {
              ...config,
              cellTailBytes: config.cellTailBytes,
              caps: cardinality.capsFor(parts),
            }),
        );
        compactor.enqueue(toCompact);
        cardinality.record(
          created,
          outcomes.flatMap(outcome => [...(outcome.refusedTabs?.values() ?? [])]),
        );
        return outcomes;
      } catch (error) {
        stats.shardCommitFailures += 1;
        if (isTabaError(error) && error.reason === 'REDIS_OUT_OF_MEMORY')
          stats.redisOutOfMemory += 1;
        throw error;
      }
    },
    partition => shards.shardOf(partition),
    {
      windowMs: config.groupCommitMs,
      maxTabs: config.commitMaxTabs,
      maxArgs: config.commitMaxArgs,
      maxBytes: config.commitMaxBytes,
      inflightPerShard: config.commitInflightPerShard,
      maxQueueMs: config.commitMaxQueueMs,
    },
  );

  const statusSource = {
    config: config.base,
    context,
    startedAtSeconds,
    discovery,
    peers: ['aggregator'] as const,
    shards,
    partitionCount: config.cluster.partitionCount,
  };
  const status = () =>
    clusterInstanceStatus(
      statusSource,
      {
        ...stats.metrics(),
        ...budget.metrics('commit.pending_bytes'),
        'commit.refused_queue_full': committer.refused,
        ...compactor.metrics(),
        ...cardinality.metrics(),
        'prune.runs': pruner.runs,
        'prune.failures': pruner.failures,
        'prune.deleted': pruner.totals.deleted,
        'prune.cells_raced': pruner.totals.raced,
        'prune.marks_forgotten': pruner.totals.forgottenMarks,
        'prune.states_expired': pruner.totals.expired,
        'prune.partitions_failed': pruner.totals.failedPartitions,
      },
      ownership.describe(context.selfId()),
    );
  context.metrics.useStatus(status);

  const handlers: Pick<AggregatorHandlers, 'Commit' | 'GetStatus'> = {
    Commit: commitHandler({
      partitionCount: config.cluster.partitionCount,
      committer,
      stats,
      budget,
      logger: context.logger,
    }),
    GetStatus: statusHandler(status),
  };
  context.server.addService(loadTabaProtos().taba.internal.v1.Aggregator.service, handlers);
  return {
    serviceNames: [AGGREGATOR_GRPC_SERVICE],
    // The runner registers this instance in it, deregisters it before draining, closes it last.
    discovery,
    close: async () => {
      committer.flush();
      unwatch();
      await pruner.stop();
      await cardinality.stop();
      await compactor.drained();
      if (!deps.shards) await shards.close();
    },
  };
}
