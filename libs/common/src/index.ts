// The front door of @taba/common: every export is listed by name.

export type { BatchShape } from './config/batch-shape.js';
export { DEFAULT_BATCH_SHAPE, largestBatchBytes, readBatchShape } from './config/batch-shape.js';
export type { Env, NumberBounds } from './config/env-readers.js';
export {
  ConfigError,
  readAddress,
  readBoolean,
  readChoice,
  readInteger,
  readList,
  readNumber,
  readOptionalString,
  readString,
} from './config/env-readers.js';
export type { ConsulApi, ConsulServiceRegistration } from './discovery/consul-api.js';
export { consulStatusOf, createConsulClient } from './discovery/consul-api.js';
export type { ConsulDiscoveryOptions } from './discovery/consul-discovery.js';
export { CONSUL_DISCOVERY_DEFAULTS, ConsulDiscovery } from './discovery/consul-discovery.js';
export {
  healthyInstances,
  joinHostPort,
  retryDelayMs,
  sameInstances,
  splitHostPort,
} from './discovery/consul-health.js';
export type { Discovery, MembershipListener, ServiceInstance } from './discovery/discovery.js';
export type {
  ConsulDiscoveryConfig,
  DiscoveryConfig,
  DiscoveryMode,
} from './discovery/discovery-config.js';
export {
  createDiscovery,
  DISCOVERY_MODES,
  discoveryFromEnv,
  loadDiscoveryConfig,
} from './discovery/discovery-config.js';
export { formatGoDuration, parseGoDuration } from './discovery/go-duration.js';
export { StaticDiscovery } from './discovery/static-discovery.js';
export type { GrpcErrorStatus, GrpcServiceErrorLike } from './errors/grpc-status.js';
export {
  boundedStatusDetails,
  excerpt,
  MAX_STATUS_DETAILS_BYTES,
} from './errors/message-bounds.js';
export {
  fromGrpcError,
  isGrpcServiceError,
  REASON_METADATA_KEY,
  toGrpcStatus,
} from './errors/grpc-status.js';
export type { ErrorKind, TabaErrorOptions } from './errors/taba-error.js';
export {
  FailedPreconditionError,
  InvalidArgumentError,
  isTabaError,
  NotFoundError,
  PermissionDeniedError,
  ResourceExhaustedError,
  TabaError,
  UnauthenticatedError,
  UnavailableError,
} from './errors/taba-error.js';
// Generated contract types.
export type {
  AggregatorClient,
  AggregatorHandlers,
} from './generated/taba/internal/v1/Aggregator.js';
export type {
  CommitRequest,
  CommitRequest__Output,
} from './generated/taba/internal/v1/CommitRequest.js';
export type {
  CommitResponse,
  CommitResponse__Output,
} from './generated/taba/internal/v1/CommitResponse.js';
export type { IngestClient, IngestHandlers } from './generated/taba/internal/v1/Ingest.js';
export type { PartitionPart } from './generated/taba/internal/v1/PartitionPart.js';
export type { PartResult__Output } from './generated/taba/internal/v1/PartResult.js';
export type { QueryClient, QueryHandlers } from './generated/taba/internal/v1/Query.js';
export type { TabDelta } from './generated/taba/internal/v1/TabDelta.js';
export type {
  CardinalityResponse,
  CardinalityResponse__Output,
} from './generated/taba/v1/CardinalityResponse.js';
export type { EventBatch, EventBatch__Output } from './generated/taba/v1/EventBatch.js';
export type { InstanceStatus, InstanceStatus__Output } from './generated/taba/v1/InstanceStatus.js';
export type {
  PostEventsResponse,
  PostEventsResponse__Output,
} from './generated/taba/v1/PostEventsResponse.js';
export type { RejectCode__Output } from './generated/taba/v1/RejectCode.js';
export type { Rejection } from './generated/taba/v1/Rejection.js';
export type { StatusRequest__Output } from './generated/taba/v1/StatusRequest.js';
export type { StatusResponse, StatusResponse__Output } from './generated/taba/v1/StatusResponse.js';
export type { TabaClient, TabaHandlers } from './generated/taba/v1/Taba.js';
export type { TabColumn, TabColumn__Output } from './generated/taba/v1/TabColumn.js';
export type { CallGuard } from './grpc/call-guard.js';
export {
  AUTHORIZATION_METADATA_KEY,
  bearerToken,
  bearerTokenInterceptor,
  bearerTokenOf,
  callGuardInterceptor,
  internalTokenGuard,
  sameDigest,
  TOKEN_INVALID,
  TOKEN_MISSING,
  tokenSha256,
  withBearerToken,
} from './grpc/call-guard.js';
export type { UnaryCallOptions, UnaryInvoker } from './grpc/client.js';
export { unaryCall } from './grpc/client.js';
export type {
  GrpcClientConstructor,
  InstancePoolOptions,
  PoolCallOptions,
  PoolMember,
} from './grpc/instance-pool.js';
export {
  failedBeforeSending,
  InstancePool,
  isRetryableError,
  NO_INSTANCE_REASON,
} from './grpc/instance-pool.js';
export type { GrpcLimits } from './grpc/server.js';
export {
  addHealthService,
  bindServer,
  createGrpcServer,
  DEFAULT_GRPC_LIMITS,
  grpcChannelOptions,
  shutdownServer,
} from './grpc/server.js';
export {
  MALFORMED_MESSAGE,
  MESSAGE_TOO_LARGE,
  wireRefusalInterceptor,
} from './grpc/wire-refusals.js';
// The handler library: pure aggregation maths.
export type { Buckets, CountTotal } from './handlers/buckets.js';
export type { BufferEntry, BufferState } from './handlers/buffer.js';
export { BufferHandler } from './handlers/buffer.js';
export type { Clock } from './handlers/clock.js';
export { ManualClock, systemClock } from './handlers/clock.js';
export type { EventColumns } from './handlers/columns.js';
export { columnsOf, valueAt } from './handlers/columns.js';
export type { CounterGroupState } from './handlers/counter-group.js';
export { CounterGroupHandler } from './handlers/counter-group.js';
export type { GaugeEntry, GaugeState } from './handlers/gauge.js';
export { GaugeHandler } from './handlers/gauge.js';
export type {
  AnyTabHandler,
  FoldContext,
  HandlerContext,
  HandlerSettings,
  RenderJson,
  RenderView,
  TabHandler,
  TabParams,
} from './handlers/handler.js';
export { DEFAULT_HANDLER_SETTINGS } from './handlers/handler.js';
export type { HistogramState } from './handlers/histogram.js';
export { HistogramHandler, sameBounds, valueBucket } from './handlers/histogram.js';
export { HLL_PRECISION, HyperLogLog } from './handlers/hyperloglog.js';
export type { PercentileGroupState } from './handlers/percentile-group.js';
export { PercentileGroupHandler } from './handlers/percentile-group.js';
export type { HandlerRegistry, HandlerRegistryOptions } from './handlers/registry.js';
export { createHandlerRegistry } from './handlers/registry.js';
export { renderText } from './handlers/render-text.js';
export { PERCENTILES, SKETCH_RELATIVE_ACCURACY, SparseSketch } from './handlers/sparse-sketch.js';
export type { TabTypeName } from './handlers/tab-types.js';
export { DEFAULT_TAB_TYPE, parseTabType, TAB_TYPES, tabaTypeName } from './handlers/tab-types.js';
export { TotalsCounterHandler } from './handlers/totals-counter.js';
export type { UniqueState } from './handlers/unique.js';
export { UniqueHandler } from './handlers/unique.js';
export type {
  ColumnInput,
  ColumnRejection,
  EventLimits,
  ValidatedColumn,
  ValidationTime,
} from './handlers/validation.js';
export {
  checkClientId,
  DEFAULT_EVENT_LIMITS,
  nameProblem,
  validateColumn,
} from './handlers/validation.js';
export type { WindowName, WindowSpec } from './handlers/windows.js';
export {
  bucketIndex,
  FINE_WINDOWS,
  firstLiveBucket,
  LONGEST_WINDOW_SECONDS,
  SKETCH_WINDOWS,
} from './handlers/windows.js';
export type { ConsistentRingOptions } from './hash/consistent-ring.js';
export {
  ConsistentRing,
  DEFAULT_VIRTUAL_NODES,
  MAX_VIRTUAL_NODES,
  partitionRingPosition,
} from './hash/consistent-ring.js';
export { DecimalSuffixHasher, encodeUtf8, murmur3_32, murmur3_32String } from './hash/murmur3.js';
export {
  assertPartition,
  assertPartitionCount,
  DEFAULT_PARTITION_COUNT,
  MAX_PARTITION_COUNT,
  partitionOf,
} from './hash/partition.js';
export {
  assignPartitions,
  compareCodePoints,
  normalizeNames,
  PartitionAssignment,
  rendezvousScore,
} from './hash/rendezvous.js';
export type { Logger, LoggerOptions, LogLevel } from './logging/logger.js';
export { createLogger, LOG_LEVELS } from './logging/logger.js';
export { readBatchClientId } from './proto/batch-client-id.js';
export { readBatchSeq } from './proto/batch-seq.js';
export type { CardinalityReport } from './proto/cardinality-report.js';
export { cardinalityReport } from './proto/cardinality-report.js';
export type { DecodedBatch, DecodedColumn } from './proto/event-batch-codec.js';
export { decodeEventBatch } from './proto/event-batch-codec.js';
export type { TabaProtos } from './proto/load.js';
export {
  findProtoRoot,
  loadTabaPackageDefinition,
  loadTabaProtos,
  PROTO_FILES,
  PROTO_LOADER_OPTIONS,
} from './proto/load.js';
export { writeVarint } from './proto/varint.js';
export type { MetricsEndpoint } from './metrics/metrics-server.js';
export { serveMetrics } from './metrics/metrics-server.js';
export type { StatusReader } from './metrics/service-metrics.js';
export { LATENCY_BUCKETS_SECONDS, ServiceMetrics } from './metrics/service-metrics.js';
export type { StatusSample } from './metrics/status-samples.js';
export { statusSamples } from './metrics/status-samples.js';
export { addReflection } from './grpc/reflection.js';
export type { BackoffOptions } from './service/backoff.js';
export { backoffMs } from './service/backoff.js';
export type { ServiceBaseConfig, ServiceName } from './service/base-config.js';
export {
  advertisedAddress,
  DEFAULT_GRPC_ADDRESSES,
  DEFAULT_METRICS_ADDRESSES,
  isWildcardHost,
  loadServiceBaseConfig,
} from './service/base-config.js';
export type { ClusterConfig } from './service/cluster-config.js';
export { connectRedisShards, loadClusterConfig } from './service/cluster-config.js';
export type { ClusterStatusSource } from './service/cluster-status.js';
export { clusterInstanceStatus, statusHandler } from './service/cluster-status.js';
export {
  discoveryDetails,
  formatMembers,
  formatPartitionRanges,
  MAX_RANGES_LENGTH,
  ownerCountDetails,
} from './service/discovery-status.js';
export type { DrainEstimateOptions } from './service/drain-estimate.js';
export { DrainEstimate } from './service/drain-estimate.js';
export { InflightBudget } from './service/inflight-budget.js';
export { describeInstance, TABA_VERSION } from './service/instance-status.js';
export { RecentLatency, RecentRate } from './service/recent-stats.js';
export { Refusals } from './service/refusals.js';
export type { ServiceMain } from './service/run-main.js';
export {
  CONFIG_ERROR_EXIT_CODE,
  runServiceMain,
  START_FAILURE_EXIT_CODE,
} from './service/run-main.js';
export type {
  BuiltService,
  RunningService,
  ServiceBuildContext,
} from './service/run-service.js';
export { installProcessHandlers, startService } from './service/run-service.js';
export type { ShutdownErrorReporter, ShutdownStep } from './service/shutdown.js';
export { Shutdown } from './service/shutdown.js';
export type { Compacted } from './storage/cell.js';
export {
  CELL_HEADER_BYTES,
  cellRecord,
  cellRecordOf,
  cellTailBytes,
  compactCell,
  decodeCell,
  mergeCell,
  readCell,
} from './storage/cell.js';
export { gaugeEntryNewer, MergedOps } from './storage/merged-ops.js';
export type { PartitionCardinality } from './storage/partition-walk.js';
export {
  clientsOfTab,
  readPartitionCardinality,
  tabsOfPartition,
  WALK_CHUNK,
} from './storage/partition-walk.js';
export type { PrunableField } from './storage/prunable.js';
export { expiredBufferMembers, prunableFields } from './storage/prunable.js';
export type { RedisAccess } from './storage/redis-access.js';
export {
  loadRedisAccess,
  NO_REDIS_ACCESS,
  REDIS_ACCESS_VARIABLES,
} from './storage/redis-access.js';
export type { RedisConnection, RedisConnectOptions } from './storage/redis-connect.js';
export {
  connectRedis,
  FailoverSafeSentinelConnector,
  reconnectDelayMs,
  withoutSecrets,
} from './storage/redis-connect.js';
export {
  ALL_CLIENTS,
  KEY_PREFIX,
  parseTypeSpec,
  redisKeys,
  typeSpec,
} from './storage/redis-keys.js';
export type { RedisShardOptions, ShardHealth } from './storage/redis-shards.js';
export { RedisShards, shardHealthDetails } from './storage/redis-shards.js';
export { REDIS_SERVER_TUNING } from './storage/redis-tuning.js';
export type {
  ClusterRedisTarget,
  PlainRedisTarget,
  RedisAddress,
  RedisTarget,
  SentinelRedisTarget,
} from './storage/redis-url.js';
export {
  describeRedisTarget,
  parseRedisTarget,
  parseRedisTargets,
  REDIS_SHARDS_VARIABLE,
  redactRedisUrl,
  shardIdentity,
  splitShardList,
} from './storage/redis-url.js';
export { ScriptKeys } from './storage/script-keys.js';
export type { OpsContext } from './storage/state-codec.js';
export { encodeStateOps, stateFromStored, stateToOps } from './storage/state-codec.js';
export {
  liveRegisterBuckets,
  readStoredStates,
  storedStateOfCell,
} from './storage/state-reader.js';
export type { StoredState } from './storage/stored-state.js';
export { EMPTY_STORED_STATE } from './storage/stored-state.js';
export type { HashOp, TabOps, TabOpsVisitor } from './storage/tab-ops.js';
export { checkTabOps, decodeTabOps, encodeTabOps, walkTabOps } from './storage/tab-ops.js';
export type { Span, SpanContext, SpanOptions, TraceContext } from './telemetry/spans.js';
export {
  activeSpanContext,
  annotateActiveSpan,
  inSpan,
  markSpanFailed,
  ROOT_TRACE_CONTEXT,
  SpanKind,
} from './telemetry/spans.js';
export type { Tracing } from './telemetry/start-tracing.js';
export { startTracing } from './telemetry/start-tracing.js';
export type { TraceCarrier } from './telemetry/trace-context.js';
export {
  activeTraceCarrier,
  contextFromCarrier,
  contextFromHeaders,
  contextFromMetadata,
  withTraceContext,
} from './telemetry/trace-context.js';
export type { PemMaterial } from './tls/pem-files.js';
export { PemFiles } from './tls/pem-files.js';
export type { ClientTlsFiles, PemFilePaths, TlsConfig } from './tls/tls-config.js';
export { loadClientTlsOptions, loadTlsConfig, TLS_VARIABLES } from './tls/tls-config.js';
export type { HttpsServerOptions, TlsSideStatus } from './tls/tls-credentials.js';
export { clientChannelCredentials, TlsCredentials } from './tls/tls-credentials.js';
