import type {
  ClusterConfig,
  Env,
  EventLimits,
  HandlerSettings,
  ServiceBaseConfig,
} from '@taba/common';
import {
  ConfigError,
  DEFAULT_EVENT_LIMITS,
  DEFAULT_HANDLER_SETTINGS,
  loadClusterConfig,
  loadServiceBaseConfig,
  readBatchShape,
  readInteger,
  readList,
} from '@taba/common';

/** The ingest service's configuration, read once from the environment at start-up and frozen. */
export interface IngestConfig {
  /**
   * What every service reads the same way: TABA_INSTANCE_ID, TABA_GRPC_ADDRESS,
   * TABA_LOG_LEVEL, TABA_SHUTDOWN_GRACE_MS, TABA_MAX_MESSAGE_BYTES.
   * @default gRPC on '127.0.0.1:8310', log level 'info', 5000 ms grace, 64 MiB messages
   */
  readonly base: ServiceBaseConfig;
  /** TABA_PARTITIONS, TABA_REDIS_SHARDS, TABA_REDIS_COMMAND_TIMEOUT_MS. */
  readonly cluster: ClusterConfig;
  /** TABA_AGGREGATOR_ADDRESSES: the aggregators (static discovery). @default ['127.0.0.1:8320'] */
  readonly aggregatorAddresses: readonly string[];
  /** TABA_MAX_BATCH_EVENTS: a larger batch is refused (RESOURCE_EXHAUSTED). @default 100000 */
  readonly maxBatchEvents: number;
  /**
   * TABA_MAX_BATCH_TABS: a batch with more distinct Tabs is refused (RESOURCE_EXHAUSTED,
   * TOO_MANY_TABS; clients do not retry it). At least the client library's maxBatch, so what it
   * sends always fits. @default 10000
   */
  readonly maxBatchTabs: number;
  /** TABA_MAX_LISTED_REJECTIONS: rejections listed in an answer (all are counted). @default 1000 */
  readonly maxListedRejections: number;
  /** TABA_COMMIT_DEADLINE_MS: deadline of each Commit call to an aggregator. @default 10000 */
  readonly commitDeadlineMs: number;
  /** TABA_COMMIT_ATTEMPTS: attempts per Commit (pauses of 100 ms, doubling) before the batch fails with UNAVAILABLE. @default 5 */
  readonly commitAttempts: number;
  /** TABA_TYPE_CACHE_MS: how long a Tab's stored type is trusted without asking Redis. @default 5000 */
  readonly typeCacheMs: number;
  /**
   * TABA_INGEST_MAX_INFLIGHT_BYTES: batch bytes being processed or waiting for their commit at
   * once; beyond it a batch is refused at once with RESOURCE_EXHAUSTED (OVERLOADED) and the
   * client retries later, so memory stays bounded when aggregators or Redis fall behind.
   * @default 134217728 (128 MiB)
   */
  readonly maxInflightBytes: number;
  /**
   * TABA_INGEST_MAX_QUEUE_MS: a batch is refused at once with RESOURCE_EXHAUSTED (OVERLOADED)
   * when the batches ahead of it would take longer than this to answer, at the rate ingest has
   * answered batches lately, or longer than half the caller's remaining deadline: at capacity a
   * caller is told to back off instead of waiting until its deadline and sending the batch
   * again. @default 2000
   */
  readonly maxQueueMs: number;
  /**
   * Event limits: TABA_MAX_NAME_LENGTH (256), TABA_MAX_CLIENT_ID_LENGTH (256),
   * TABA_MAX_STRING_LENGTH (1024), TABA_LATE_SECONDS (86400), TABA_FUTURE_SKEW_SECONDS (300),
   * TABA_MAX_HISTOGRAM_BOUNDS (128).
   */
  readonly limits: EventLimits;
  /** TABA_GAUGE_TTL_SECONDS (172800), TABA_BUFFER_CAPACITY (1000). */
  readonly handlerSettings: HandlerSettings;
}

/** Reads the ingest service's configuration; throws ConfigError naming the first bad variable. */
export function loadConfig(env: Env): IngestConfig {
  const limits = DEFAULT_EVENT_LIMITS;
  // Read once for every service: they size their messages by these (TABA_MAX_MESSAGE_BYTES).
  const shape = readBatchShape(env);
  const config: IngestConfig = Object.freeze({
    base: loadServiceBaseConfig(env, 'ingest'),
    cluster: loadClusterConfig(env),
    aggregatorAddresses: readList(env, 'TABA_AGGREGATOR_ADDRESSES', ['127.0.0.1:8320']),
    maxBatchEvents: shape.maxBatchEvents,
    maxBatchTabs: shape.maxBatchTabs,
    maxListedRejections: readInteger(env, 'TABA_MAX_LISTED_REJECTIONS', 1000, {
      min: 0,
      max: 1_000_000,
    }),
    commitDeadlineMs: readInteger(env, 'TABA_COMMIT_DEADLINE_MS', 10_000, {
      min: 10,
      max: 600_000,
    }),
    commitAttempts: readInteger(env, 'TABA_COMMIT_ATTEMPTS', 5, { min: 1, max: 100 }),
    typeCacheMs: readInteger(env, 'TABA_TYPE_CACHE_MS', 5000, { min: 0, max: 3_600_000 }),
    maxInflightBytes: readInteger(env, 'TABA_INGEST_MAX_INFLIGHT_BYTES', 128 * 1024 * 1024, {
      min: 1024,
      max: 2 ** 40,
    }),
    maxQueueMs: readInteger(env, 'TABA_INGEST_MAX_QUEUE_MS', 2000, { min: 1, max: 600_000 }),
    limits: Object.freeze({
      maxNameLength: shape.maxNameLength,
      maxClientIdLength: shape.maxClientIdLength,
      maxStringLength: readInteger(env, 'TABA_MAX_STRING_LENGTH', limits.maxStringLength, {
        min: 1,
        max: 1_000_000,
      }),
      lateSeconds: readInteger(env, 'TABA_LATE_SECONDS', limits.lateSeconds, {
        min: 1,
        max: 10 * 365 * 86_400,
      }),
      futureSkewSeconds: readInteger(env, 'TABA_FUTURE_SKEW_SECONDS', limits.futureSkewSeconds, {
        min: 0,
        max: 86_400,
      }),
      maxHistogramBounds: readInteger(env, 'TABA_MAX_HISTOGRAM_BOUNDS', limits.maxHistogramBounds, {
        min: 1,
        max: 10_000,
      }),
      maxExpirySeconds: readInteger(env, 'TABA_MAX_EXPIRY_SECONDS', limits.maxExpirySeconds, {
        min: 1,
        max: 10 * 365 * 86_400,
      }),
    }),
    handlerSettings: Object.freeze({
      gaugeTtlSeconds: readInteger(
        env,
        'TABA_GAUGE_TTL_SECONDS',
        DEFAULT_HANDLER_SETTINGS.gaugeTtlSeconds,
        {
          min: 1,
          max: 10 * 365 * 86_400,
        },
      ),
      bufferCapacity: readInteger(
        env,
        'TABA_BUFFER_CAPACITY',
        DEFAULT_HANDLER_SETTINGS.bufferCapacity,
        {
          min: 1,
          max: 100_000,
        },
      ),
    }),
  });
  // The horizon bounds every expiry, the one Gauges get from the server included.
  if (config.handlerSettings.gaugeTtlSeconds > config.limits.maxExpirySeconds) {
    throw new ConfigError(
      'TABA_GAUGE_TTL_SECONDS',
      `must be at most TABA_MAX_EXPIRY_SECONDS (${config.limits.maxExpirySeconds}), got ${config.handlerSettings.gaugeTtlSeconds}`,
    );
  }
  return config;
}
