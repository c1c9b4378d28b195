import type { ClusterConfig, Env, ServiceBaseConfig } from '@taba/common';
import {
  loadClusterConfig,
  loadServiceBaseConfig,
  readBatchShape,
  readInteger,
} from '@taba/common';

/** The query service's configuration, read once from the environment at start-up and frozen. */
export interface QueryConfig {
  /**
   * What every service reads the same way: TABA_INSTANCE_ID, TABA_GRPC_ADDRESS,
   * TABA_LOG_LEVEL, TABA_SHUTDOWN_GRACE_MS, TABA_MAX_MESSAGE_BYTES.
   * @default gRPC on '127.0.0.1:8330', log level 'info', 5000 ms grace, 64 MiB messages
   */
  readonly base: ServiceBaseConfig;
  /** TABA_PARTITIONS, TABA_REDIS_SHARDS, TABA_REDIS_COMMAND_TIMEOUT_MS. */
  readonly cluster: ClusterConfig;
  /**
   * TABA_REGEX_MAX_LENGTH: the longest pattern a filter may carry, characters; a longer one is
   * refused with INVALID_ARGUMENT (BAD_REGEX). @default 256
   */
  readonly regexMaxLength: number;
  /**
   * TABA_REGEX_TIMEOUT_MS: how long the patterns of one request may take to match the candidate
   * names or clients; past it the matching worker is terminated and the request fails with
   * INVALID_ARGUMENT (REGEX_TOO_SLOW). @default 100
   */
  readonly regexTimeoutMs: number;
  /**
   * TABA_QUERY_CACHE_ENTRIES: merged States of this many recent requests are kept (LRU); each is
   * served only while the partitions it read are unchanged. 0 turns the cache off. @default 1000
   */
  readonly cacheEntries: number;
  /**
   * TABA_MAX_TABS_PER_QUERY: the most Tabs one read of States (aggregates, projections,
   * super-aggregate) or one delete may select; more fails with RESOURCE_EXHAUSTED
   * (TOO_MANY_TABS). @default 10000
   */
  readonly maxTabsPerQuery: number;
  /** TABA_CARDINALITY_TOP_MAX: the most Tabs and clients a cardinality report may list. @default 1000 */
  readonly cardinalityTopMax: number;
  /**
   * TABA_MAX_STATES_PER_QUERY: the most States (a Tab of one client) one read may merge or
   * project; more fails with RESOURCE_EXHAUSTED (TOO_MANY_STATES) before any is read. @default 100000
   */
  readonly maxStatesPerQuery: number;
  /** TABA_MAX_FILTER_NAMES: exact names per filter; more is INVALID_ARGUMENT (FILTER_TOO_LARGE). @default 10000 */
  readonly maxFilterNames: number;
  /** TABA_MAX_FILTER_CLIENTS: exact client IDs per filter (FILTER_TOO_LARGE past it). @default 10000 */
  readonly maxFilterClients: number;
  /** TABA_MAX_FILTER_PATTERNS: patterns per filter, names and clients together. @default 64 */
  readonly maxFilterPatterns: number;
  /** The longest name or client ID a filter may name: TABA_MAX_NAME_LENGTH, TABA_MAX_CLIENT_ID_LENGTH (256). */
  readonly maxValueLength: number;
  /**
   * TABA_QUERY_CACHE_BYTES: what the cache may hold (keys and merged States, estimated);
   * least recently used out first, a larger answer is not kept. @default 67108864 (64 MiB)
   */
  readonly cacheBytes: number;
  /**
   * TABA_QUERY_STATE_CACHE_BYTES: what the restored States kept by cell (a Tab of one client)
   * may hold, estimated; each is served while its partition's version is unchanged, so reads
   * with different filters share them. Least recently used out first; 0 keeps none.
   * @default 67108864 (64 MiB)
   */
  readonly stateCacheBytes: number;
  /**
   * TABA_QUERY_MAX_INFLIGHT: requests served at once; more are refused at once with
   * RESOURCE_EXHAUSTED (OVERLOADED), so memory stays bounded. @default 64
   */
  readonly maxInflight: number;
  /**
   * TABA_QUERY_MAX_INFLIGHT_STATES: the work the reads in flight may have at once, in units of
   * about one State rendered: a State (kept or read) is one unit, two in DETAIL mode; one read
   * from Redis three more (decoded and restored); a set of clients listed one. A read that does
   * not fit waits (admissionWaitMs); one whose States alone pass it is refused at once
   * (QUERY_TOO_LARGE), so it bounds one read too, below TABA_MAX_STATES_PER_QUERY unless
   * raised. Sized so a read that fits answers within about half a second on two cores.
   * @default 4000
   */
  readonly maxInflightStates: number;
  /**
   * TABA_QUERY_ADMISSION_WAIT_MS: how long a step waits for room under maxInflightStates before
   * it is refused with RESOURCE_EXHAUSTED (OVERLOADED); 0 refuses at once. @default 250
   */
  readonly admissionWaitMs: number;
  /**
   * TABA_QUERY_MAX_READ_MS: the longest a read step may be expected to take at the rate this
   * instance worked through States over the last 5 s. One whose States alone would take longer
   * is refused at once with RESOURCE_EXHAUSTED (QUERY_TOO_SLOW); one that would take longer
   * beside the reads in flight waits (admissionWaitMs). Until the rate is measured (100 ms of
   * busy time in the last 5 s) only maxInflightStates bounds a read; 0 turns the check off.
   * @default 1000
   */
  readonly maxReadMs: number;
  /**
   * TABA_QUERY_CATALOGUE_BYTES: what the Tab catalogue (every Tab's name and type, for pattern
   * and all-Tabs reads) may hold, estimated as 2 × (name + type spec length) + 128 bytes per
   * Tab; past it those reads are refused with RESOURCE_EXHAUSTED (CATALOGUE_TOO_LARGE).
   * @default 268435456 (256 MiB)
   */
  readonly catalogueBytes: number;
  /**
   * TABA_REGEX_QUEUE_WAIT_MS: how long a request's matching may wait for a free worker; a job
   * that cannot start in time is refused with RESOURCE_EXHAUSTED (REGEX_BUSY). @default 100
   */
  readonly regexQueueWaitMs: number;
  /** TABA_REGEX_MAX_QUEUED: matching jobs that may wait for a worker; more are REGEX_BUSY at once. @default 64 */
  readonly regexMaxQueued: number;
}

/** Reads the query service's configuration; throws ConfigError naming the first bad variable. */
export function loadConfig(env: Env): QueryConfig {
  const shape = readBatchShape(env);
  return Object.freeze({
    base: loadServiceBaseConfig(env, 'query'),
    cluster: loadClusterConfig(env),
    regexMaxLength: readInteger(env, 'TABA_REGEX_MAX_LENGTH', 256, { min: 1, max: 65_536 }),
    regexTimeoutMs: readInteger(env, 'TABA_REGEX_TIMEOUT_MS', 100, { min: 1, max: 60_000 }),
    cacheEntries: readInteger(env, 'TABA_QUERY_CACHE_ENTRIES', 1000, { min: 0, max: 1_000_000 }),
    maxTabsPerQuery: readInteger(env, 'TABA_MAX_TABS_PER_QUERY', 10_000, {
      min: 1,
      max: 10_000_000,
    }),
    cardinalityTopMax: readInteger(env, 'TABA_CARDINALITY_TOP_MAX', 1000, {
      min: 1,
      max: 100_000,
    }),
    maxStatesPerQuery: readInteger(env, 'TABA_MAX_STATES_PER_QUERY', 100_000, {
      min: 1,
      max: 100_000_000,
    }),
    maxFilterNames: readInteger(env, 'TABA_MAX_FILTER_NAMES', 10_000, { min: 1, max: 10_000_000 }),
    maxFilterClients: readInteger(env, 'TABA_MAX_FILTER_CLIENTS', 10_000, {
      min: 1,
      max: 10_000_000,
    }),
    maxFilterPatterns: readInteger(env, 'TABA_MAX_FILTER_PATTERNS', 64, { min: 1, max: 10_000 }),
    maxValueLength: Math.max(shape.maxNameLength, shape.maxClientIdLength),
    cacheBytes: readInteger(env, 'TABA_QUERY_CACHE_BYTES', 64 * 1024 * 1024, {
      min: 0,
      max: 2 ** 40,
    }),
    stateCacheBytes: readInteger(env, 'TABA_QUERY_STATE_CACHE_BYTES', 64 * 1024 * 1024, {
      min: 0,
      max: 2 ** 40,
    }),
    maxInflight: readInteger(env, 'TABA_QUERY_MAX_INFLIGHT', 64, { min: 1, max: 100_000 }),
    maxInflightStates: readInteger(env, 'TABA_QUERY_MAX_INFLIGHT_STATES', 4000, {
      min: 1,
      max: 100_000_000,
    }),
    admissionWaitMs: readInteger(env, 'TABA_QUERY_ADMISSION_WAIT_MS', 250, { min: 0, max: 60_000 }),
    maxReadMs: readInteger(env, 'TABA_QUERY_MAX_READ_MS', 1000, { min: 0, max: 600_000 }),
    catalogueBytes: readInteger(env, 'TABA_QUERY_CATALOGUE_BYTES', 256 * 1024 * 1024, {
      min: 0,
      max: 2 ** 40,
    }),
    regexQueueWaitMs: readInteger(env, 'TABA_REGEX_QUEUE_WAIT_MS', 100, { min: 0, max: 60_000 }),
    regexMaxQueued: readInteger(env, 'TABA_REGEX_MAX_QUEUED', 64, { min: 0, max: 100_000 }),
  });
}
