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
  /**
   * TABA_COMMIT_MAX_TABS: most State cells (a Tab of a client, or its all-clients State) one
   * commit call writes; beyond it the group commit is split. A single part (one batch's share of
   * one partition) larger than this goes alone. @default 4000
   */
  readonly commitMaxTabs: number;
  /** TABA_COMMIT_MAX_ARGS: most script arguments in one commit call. @default 200000 */
  readonly commitMaxArgs: number;
  /** TABA_COMMIT_MAX_BYTES: most argument bytes in one commit call. @default 4194304 (4 MiB) */
  readonly commitMaxBytes: number;
  /**
   * TABA_COMMIT_INFLIGHT_PER_SHARD: commit calls in flight per Redis shard; more wait in the
   * aggregator (not inside Redis, where they would run into TABA_REDIS_COMMAND_TIMEOUT_MS).
   * @default 2
   */
  readonly commitInflightPerShard: number;
  /**
   * TABA_COMMIT_MAX_QUEUE_MS: a Commit is refused at once with RESOURCE_EXHAUSTED (OVERLOADED)
   * while a shard it writes has more waiting than it commits in this time (measured); well below the Commit and client deadlines (10 s). @default 2000
   */
  readonly commitMaxQueueMs: number;
  /**
   * TABA_AGGREGATOR_MAX_PENDING_BYTES: Delta bytes waiting for or in a commit at once; beyond it
   * a Commit is refused at once with RESOURCE_EXHAUSTED (OVERLOADED), so memory stays bounded
   * while Redis falls behind. @default 67108864 (64 MiB)
   */
  readonly maxPendingBytes: number;
  /**
   * TABA_CELL_TAIL_BYTES: a cell whose records past its compacted base outgrow this is compacted
   * in the background (its records merged into one base). Bounds what a read merges. @default 8192
   */
  readonly cellTailBytes: number;
  /** TABA_COMPACT_QUEUE: cells waiting for compaction at most; more are deferred (and named again by their next commit). @default 10000 */
  readonly compactQueue: number;
  /** TABA_COMPACT_CONCURRENCY: compactions running at once. @default 4 */
  readonly compactConcurrency: number;
  /** TABA_WAIT_REPLICAS: replicas that must confirm a commit before it is acknowledged (Redis WAIT). @default 0 */
  readonly waitReplicas: number;
  /** TABA_WAIT_TIMEOUT_MS: how long WAIT may take; short of replicas, the commit fails (and is retried). @default 1000 */
  readonly waitTimeoutMs: number;
  /** TABA_PRUNE_INTERVAL_MS: how often owned partitions are pruned; 0 turns pruning off. @default 60000 */
  readonly pruneIntervalMs: number;
  /** TABA_IDLE_CLIENT_SECONDS: high-water marks of clients idle this long are dropped. @default 86400 */
  readonly idleClientSeconds: number;
  /**
   * TABA_STATE_IDLE_SECONDS: a (Tab, client) State of any type without a commit this long is
   * deleted by the pruner (and a Tab left without clients, with its all-clients State); 0: never.
   * @default 0
   */
  readonly stateIdleSeconds: number;
  /** TABA_MAX_TABS: Tabs in all; a new Tab past it is refused (TAB_LIMIT); 0: no cap. @default 1000000 */
  readonly maxTabs: number;
  /** TABA_MAX_TABS_PER_CLIENT: Tabs one client ID may write; past it its new Tabs are refused (TAB_LIMIT); 0: no cap. @default 100000 */
  readonly maxTabsPerClient: number;
  /** TABA_MAX_CLIENTS_PER_TAB: client IDs one Tab may have; past it new clients of the Tab are refused (TAB_LIMIT); 0: no cap. @default 100000 */
  readonly maxClientsPerTab: number;
  /** TABA_CARDINALITY_REFRESH_MS: how often the Tab counts the caps use are read from every partition. @default 60000 */
  readonly cardinalityRefreshMs: number;
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
    commitMaxTabs: readInteger(env, 'TABA_COMMIT_MAX_TABS', 4000, { min: 1, max: 1_000_000 }),
    commitMaxArgs: readInteger(env, 'TABA_COMMIT_MAX_ARGS', 200_000, {
      min: 100,
      max: 10_000_000,
    }),
    commitMaxBytes: readInteger(env, 'TABA_COMMIT_MAX_BYTES', 4 * 1024 * 1024, {
      min: 1024,
      max: 512 * 1024 * 1024,
    }),
    commitInflightPerShard: readInteger(env, 'TABA_COMMIT_INFLIGHT_PER_SHARD', 2, {
      min: 1,
      max: 64,
    }),
    commitMaxQueueMs: readInteger(env, 'TABA_COMMIT_MAX_QUEUE_MS', 2000, {
      min: 1,
      max: 600_000,
    }),
    maxPendingBytes: readInteger(env, 'TABA_AGGREGATOR_MAX_PENDING_BYTES', 64 * 1024 * 1024, {
      min: 1024,
      max: 2 ** 40,
    }),
    cellTailBytes: readInteger(env, 'TABA_CELL_TAIL_BYTES', 8192, {
      min: 64,
      max: 64 * 1024 * 1024,
    }),
    compactQueue: readInteger(env, 'TABA_COMPACT_QUEUE', 10_000, { min: 1, max: 10_000_000 }),
    compactConcurrency: readInteger(env, 'TABA_COMPACT_CONCURRENCY', 4, { min: 1, max: 256 }),
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
    stateIdleSeconds: readInteger(env, 'TABA_STATE_IDLE_SECONDS', 0, {
      min: 0,
      max: 10 * 365 * 86_400,
    }),
    maxTabs: readInteger(env, 'TABA_MAX_TABS', 1_000_000, { min: 0, max: 2 ** 32 - 1 }),
    maxTabsPerClient: readInteger(env, 'TABA_MAX_TABS_PER_CLIENT', 100_000, {
      min: 0,
      max: 2 ** 32 - 1,
    }),
    maxClientsPerTab: readInteger(env, 'TABA_MAX_CLIENTS_PER_TAB', 100_000, {
      min: 0,
      max: 2 ** 32 - 1,
    }),
    cardinalityRefreshMs: readInteger(env, 'TABA_CARDINALITY_REFRESH_MS', 60_000, {
      min: 1000,
      max: 86_400_000,
    }),
    aggregatorAddresses: readList(env, 'TABA_AGGREGATOR_ADDRESSES'),
  });
}
