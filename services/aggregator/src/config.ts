import type { ClusterConfig, Env, ServiceBaseConfig } from '@taba/common';
import { loadClusterConfig, loadServiceBaseConfig, readInteger, readList } from '@taba/common';

/** The aggregator service's configuration, read once from the environment at start-up and frozen. */
export interface AggregatorConfig {
  /**
   * What every service reads the same way: TABA_INSTANCE_ID, TABA_GRPC_ADDRESS,
   * TABA_LOG_LEVEL, TABA_SHUTDOWN_GRACE_MS, TABA_MAX_MESSAGE_BYTES.
   * @default gRPC on '127.0.0.1:8320', log level 'info', 5000 ms grace, 64 MiB messages
   */
  readonly base: ServiceBaseConfig;
  /** TABA_PARTITIONS, TABA_REDIS_SHARDS, TABA_REDIS_COMMAND_TIMEOUT_MS. */
  readonly cluster: ClusterConfig;
  /** TABA_GROUP_COMMIT_MS: how long parts gather before one commit per shard. @default 2 */
  readonly groupCommitMs: number;
  /** TABA_GROUP_COMMIT_MAX_PARTS: a commit starts at once when this many parts wait. @default 1000 */
  readonly groupCommitMaxParts: number;
  /**
   * TABA_AGGREGATOR_MAX_PENDING_BYTES: Delta bytes waiting for or in a commit at once; beyond it
   * a Commit is refused at once with RESOURCE_EXHAUSTED (OVERLOADED), so memory stays bounded
   * while Redis falls behind. @default 67108864 (64 MiB)
   */
  readonly maxPendingBytes: number;
  /** TABA_WAIT_REPLICAS: replicas that must confirm a commit before it is acknowledged (Redis WAIT). @default 0 */
  readonly waitReplicas: number;
  /** TABA_WAIT_TIMEOUT_MS: how long WAIT may take; short of replicas, the commit fails (and is retried). @default 1000 */
  readonly waitTimeoutMs: number;
  /** TABA_PRUNE_INTERVAL_MS: how often owned partitions are pruned; 0 turns pruning off. @default 60000 */
  readonly pruneIntervalMs: number;
  /** TABA_IDLE_CLIENT_SECONDS: high-water marks of clients idle this long are dropped. @default 86400 */
  readonly idleClientSeconds: number;
  /**
   * TABA_AGGREGATOR_ADDRESSES: every aggregator (static discovery), to tell which partitions
   * this one owns and prunes. Unset, or without this instance's address: it prunes them all.
   * @default []
   */
  readonly aggregatorAddresses: readonly string[];
}

/** Reads the aggregator service's configuration; throws ConfigError naming the first bad variable. */
export function loadConfig(env: Env): AggregatorConfig {
  return Object.freeze({
    base: loadServiceBaseConfig(env, 'aggregator'),
    cluster: loadClusterConfig(env),
    groupCommitMs: readInteger(env, 'TABA_GROUP_COMMIT_MS', 2, { min: 0, max: 1000 }),
    groupCommitMaxParts: readInteger(env, 'TABA_GROUP_COMMIT_MAX_PARTS', 1000, {
      min: 1,
      max: 100_000,
    }),
    maxPendingBytes: readInteger(env, 'TABA_AGGREGATOR_MAX_PENDING_BYTES', 64 * 1024 * 1024, {
      min: 1024,
      max: 2 ** 40,
    }),
    waitReplicas: readInteger(env, 'TABA_WAIT_REPLICAS', 0, { min: 0, max: 16 }),
    waitTimeoutMs: readInteger(env, 'TABA_WAIT_TIMEOUT_MS', 1000, { min: 1, max: 60_000 }),
    pruneIntervalMs: readInteger(env, 'TABA_PRUNE_INTERVAL_MS', 60_000, {
      min: 0,
      max: 86_400_000,
    }),
    idleClientSeconds: readInteger(env, 'TABA_IDLE_CLIENT_SECONDS', 86_400, {
      min: 1,
      max: 365 * 86_400,
    }),
    aggregatorAddresses: readList(env, 'TABA_AGGREGATOR_ADDRESSES'),
  });
}
