import type { sendUnaryData } from '@grpc/grpc-js';
import type { Discovery } from '../discovery/discovery.js';
import { toGrpcStatus } from '../errors/grpc-status.js';
import type { InstanceStatus } from '../generated/taba/v1/InstanceStatus.js';
import type { RedisShards } from '../storage/redis-shards.js';
import { shardHealthDetails } from '../storage/redis-shards.js';
import type { ServiceBaseConfig, ServiceName } from './base-config.js';
import { discoveryDetails } from './discovery-status.js';
import { describeInstance } from './instance-status.js';
import type { ServiceBuildContext } from './run-service.js';

/** What a service that works on partitions in Redis shows in GetStatus besides its own figures. */
export interface ClusterStatusSource {
  readonly config: ServiceBaseConfig;
  readonly context: ServiceBuildContext;
  readonly startedAtSeconds: number;
  readonly discovery: Discovery;
  /** The peer services whose members it reports. */
  readonly peers: readonly ServiceName[];
  readonly shards: RedisShards;
  readonly partitionCount: number;
}

/**
 * GetStatus of ingest, aggregator or query: its metrics and details, plus the same cluster facts
 * in every one of them: discovery and members, the health of each Redis shard (a PING each,
 * bounded by the command timeout), and the partition count.
 */
export async function clusterInstanceStatus(
  source: ClusterStatusSource,
  metrics: Readonly<Record<string, number>>,
  details: Readonly<Record<string, string>> = {},
): Promise<InstanceStatus> {
  const health = await source.shards.health();
  return describeInstance(
    source.config,
    source.context.address(),
    source.startedAtSeconds,
    { ...metrics, ...source.context.refusals.metrics() },
    {
      ...discoveryDetails(source.discovery, source.peers, {
        id: source.context.selfId(),
        address: source.context.advertisedAddress(),
      }),
      ...details,
      ...shardHealthDetails(health),
      partitions: String(source.partitionCount),
    },
  );
}

/** A GetStatus handler over an async status: answers it, or the error's gRPC status. */
export function statusHandler(
  status: () => Promise<InstanceStatus>,
): (call: unknown, callback: sendUnaryData<InstanceStatus>) => void {
  return (_call, callback) => {
    status().then(
      answer => callback(null, answer),
      (error: unknown) => callback(toGrpcStatus(error)),
    );
  };
}
