import type {
  AggregatorHandlers,
  BuiltService,
  Clock,
  Discovery,
  ServiceBuildContext,
} from '@taba/common';
import {
  connectRedisShards,
  describeInstance,
  isTabaError,
  loadTabaProtos,
  PartitionAssignment,
  type RedisShards,
  StaticDiscovery,
  systemClock,
  toGrpcStatus,
  UnavailableError,
} from '@taba/common';
import { toCommitParts, toCommitResponse } from './commit-request.js';
import { CommitStats } from './commit-stats.js';
import type { AggregatorConfig } from './config.js';
import { GroupCommitter } from './group-commit.js';
import { Pruner } from './pruner.js';
import { defineCommitScript, runCommit } from './redis/commit-script.js';

/** The gRPC service the aggregator service serves: commits Deltas of the partitions it owns. */
export const AGGREGATOR_GRPC_SERVICE = 'taba.internal.v1.Aggregator';

export interface AggregatorDependencies {
  /** @default connections to config.cluster.redisShards */
  readonly shards?: RedisShards;
  /** @default static discovery of config.aggregatorAddresses */
  readonly discovery?: Discovery;
  /** @default the system clock */
  readonly clock?: Clock;
}

/** The partitions this instance owns: rendezvous over the aggregators it sees, or all of them. */
function ownedPartitions(
  members: readonly string[],
  self: string,
  partitionCount: number,
): number[] {
  const all = Array.from({ length: partitionCount }, (_, p) => p);
  if (!members.includes(self)) return all;
  const assignment = new PartitionAssignment(members, partitionCount);
  return all.filter(p => assignment.ownerOf(p) === self);
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
  const stats = new CommitStats();
  const discovery =
    deps.discovery ?? new StaticDiscovery({ aggregator: config.aggregatorAddresses });
  let members: string[] = [];
  const unwatch = discovery.watch('aggregator', instances => {
    members = instances.map(instance => instance.id);
  });
  const pruner = new Pruner(
    shards,
    deps.clock ?? systemClock,
    {
      idleClientSeconds: config.idleClientSeconds,
      partitions: () => ownedPartitions(members, context.address(), config.cluster.partitionCount),
    },
    context.logger,
  );
  pruner.start(config.pruneIntervalMs);

  const committer = new GroupCommitter(
    async (shard, parts) => {
      const redis = shards.connection(shard);
      stats.shardCommits += 1;
      try {
        const outcomes = await runCommit(redis, parts, Date.now());
        if (config.waitReplicas > 0) {
          const confirmed = await redis.wait(config.waitReplicas, config.waitTimeoutMs);
          if (confirmed < config.waitReplicas) {
            throw new UnavailableError(
              'REPLICATION_TIMEOUT',
              `${confirmed} of ${config.waitReplicas} replicas confirmed the commit within ${config.waitTimeoutMs} ms`,
            );
          }
        }
        return outcomes;
      } catch (error) {
        stats.shardCommitFailures += 1;
        if (isTabaError(error)) throw error;
        throw new UnavailableError(
          'REDIS_UNAVAILABLE',
          `commit to a Redis shard failed: ${String(error)}`,
          {
            cause: error,
          },
        );
      }
    },
    partition => shards.shardOf(partition),
    { windowMs: config.groupCommitMs, maxParts: config.groupCommitMaxParts },
  );

  const handlers: Pick<AggregatorHandlers, 'Commit' | 'GetStatus'> = {
    Commit: (call, callback) => {
      let parts: ReturnType<typeof toCommitParts>;
      try {
        parts = toCommitParts(call.request, config.cluster.partitionCount);
      } catch (error) {
        stats.failedRequests += 1;
        callback(toGrpcStatus(error));
        return;
      }
      committer.submit(parts).then(
        outcomes => {
          const response = toCommitResponse(call.request, outcomes);
          stats.recordResponse(response);
          callback(null, response);
        },
        (error: unknown) => {
          stats.failedRequests += 1;
          context.logger.warn({ err: error }, 'commit failed');
          callback(toGrpcStatus(error));
        },
      );
    },
    GetStatus: (_call, callback) => {
      callback(
        null,
        describeInstance(
          config.base,
          context.address(),
          startedAtSeconds,
          {
            ...stats.metrics(),
            'prune.runs': pruner.runs,
            'prune.failures': pruner.failures,
            'prune.deleted': pruner.totals.deleted,
            'prune.marks_forgotten': pruner.totals.forgottenMarks,
          },
          {
            ...discovery.describe(),
            'redis.shards': shards.urls.join(','),
            partitions: String(config.cluster.partitionCount),
          },
        ),
      );
    },
  };
  context.server.addService(loadTabaProtos().taba.internal.v1.Aggregator.service, handlers);
  return {
    serviceNames: [AGGREGATOR_GRPC_SERVICE],
    close: async () => {
      committer.flush();
      unwatch();
      await pruner.stop();
      await discovery.close();
      if (!deps.shards) await shards.close();
    },
  };
}
