import type {
  BuiltService,
  Clock,
  Discovery,
  QueryHandlers,
  RedisShards,
  ServiceBuildContext,
} from '@taba/common';
import {
  clusterInstanceStatus,
  connectRedisShards,
  contextFromMetadata,
  createDiscovery,
  createHandlerRegistry,
  InflightBudget,
  inSpan,
  isTabaError,
  loadTabaProtos,
  SpanKind,
  systemClock,
  toGrpcStatus,
} from '@taba/common';
import { CardinalityTally, cardinalityTop } from './cardinality-report.js';
import { CatalogueReader } from './catalogue-reader.js';
import { ClientLists } from './client-lists.js';
import type { QueryConfig } from './config.js';
import { CostAdmission } from './cost-admission.js';
import { MatchCache } from './match-cache.js';
import { QueryCache } from './query-cache.js';
import { QueryEngine } from './query-engine.js';
import { RegexMatcher } from './regex-matcher.js';
import { renderModeOf } from './render.js';
import { RestoredStates } from './restored-states.js';
import { SharedRead } from './shared-read.js';
import { StateCache } from './state-cache.js';
import { TabCatalogue } from './tab-catalogue.js';
import { TabStore } from './tab-store.js';

/** The gRPC service the query service serves: reads and deletes Tabs for the gateway. */
export const QUERY_GRPC_SERVICE = 'taba.internal.v1.Query';

export interface QueryDependencies {
  /** @default connections to config.cluster.redisShards (closed on stop) */
  readonly shards?: RedisShards;
  /** What renders and window reads take as now. @default the system clock */
  readonly clock?: Clock;
  /**
   * Where this instance is registered (query calls no peer); the runner registers it and
   * closes it. @default what TABA_DISCOVERY says: static (nothing to register), or Consul
   */
  readonly discovery?: Discovery;
}

type Method =
  | 'GetAggregates'
  | 'GetProjections'
  | 'GetSuperAggregate'
  | 'ListNames'
  | 'ListClients'
  | 'ListTypes'
  | 'DeleteTabs'
  | 'GetCardinality'
  | 'GetStatus';
type RequestOf<M extends Method> = Parameters<QueryHandlers[M]>[0]['request'];
type ReplyOf<M extends Method> = NonNullable<Parameters<Parameters<QueryHandlers[M]>[1]>[1]>;

/** Monotonic counters for GetStatus. */
class Counters {
  private readonly values = new Map<string, number>();

  add(name: string, by = 1): void {
    this.values.set(name, (this.values.get(name) ?? 0) + by);
  }

  snapshot(): Record<string, number> {
    return Object.fromEntries(this.values);
  }
}

/**
 * Adds `taba.internal.v1.Query` to the server; used as the `build` callback of `startService`.
 * Every handler answers through `toGrpcStatus`: domain errors keep their kind and reason, a
 * Redis failure is UNAVAILABLE (REDIS_UNAVAILABLE), anything else INTERNAL (and logged).
 */
export function createQueryService(
  config: QueryConfig,
  context: ServiceBuildContext,
  deps: QueryDependencies = {},
): BuiltService {
  const startedAtSeconds = Date.now() / 1000;
  const { logger } = context;
  const shards = deps.shards ?? connectRedisShards(config.cluster, logger);
  const clock = deps.clock ?? systemClock;
  const discovery = deps.discovery ?? createDiscovery(config.base.discovery, {}, logger);
  const matcher = new RegexMatcher({
    timeoutMs: config.regexTimeoutMs,
    queueWaitMs: config.regexQueueWaitMs,
    maxQueued: config.regexMaxQueued,
    onWorkerError: error => logger.error({ err: error }, 'regex worker died; replaced'),
  });
  const cache = new QueryCache(config.cacheEntries, config.cacheBytes);
  const store = new TabStore(shards, config.cluster.partitionCount);
  const catalogue = new CatalogueReader(
    new TabCatalogue(config.cluster.partitionCount, config.catalogueBytes),
    partitions => store.typesWithVersions(partitions),
  );
  // Read the catalogue once now, so the first pattern read does not pay for every partition.
  void store
    .versions(store.allPartitions())
    .then(versions => catalogue.refresh(versions))
    .catch((error: unknown) => logger.debug({ err: error }, 'the Tab catalogue is read later'));
  const admission = new CostAdmission({
    capacity: config.maxInflightStates,
    maxWaitMs: config.admissionWaitMs,
    maxStepMs: config.maxReadMs,
  });
  // Requests being served; GetStatus is exempt, so an overloaded instance still reports.
  const budget = new InflightBudget(config.maxInflight, 'requests', 'TABA_QUERY_MAX_INFLIGHT');
  const registry = createHandlerRegistry({ clock });
  const allVersions = new SharedRead(() => store.versions(store.allPartitions()));
  const matches = new MatchCache(config.cacheEntries);
  const stateCache = new StateCache(config.stateCacheBytes);
  const engine = new QueryEngine({
    store,
    matcher,
    matches,
    allVersions,
    cache,
    catalogue,
    admission,
    states: new RestoredStates({ store, cache: stateCache, registry, clock }),
    clientLists: new ClientLists(store, stateCache),
    registry,
    limits: {
      regexMaxLength: config.regexMaxLength,
      maxTabsPerQuery: config.maxTabsPerQuery,
      maxStatesPerQuery: config.maxStatesPerQuery,
      maxFilterNames: config.maxFilterNames,
      maxFilterClients: config.maxFilterClients,
      maxFilterPatterns: config.maxFilterPatterns,
      maxValueLength: config.maxValueLength,
    },
  });
  const counters = new Counters();

  /** A unary handler: counts the call, runs it, answers the reply or the mapped error. */
  function unary<M extends Method>(
    method: M,
    run: (request: RequestOf<M>) => Promise<ReplyOf<M>> | ReplyOf<M>,
  ): QueryHandlers[M] {
    const handler = (
      call: {
        readonly request: unknown;
        readonly metadata: Parameters<typeof contextFromMetadata>[0];
      },
      callback: (error: ReturnType<typeof toGrpcStatus> | null, reply?: ReplyOf<M>) => void,
    ): void => {
      counters.add(`queries.${method}`);
      let release: (() => void) | undefined;
      inSpan(
        `${QUERY_GRPC_SERVICE}/${method}`,
        {
          kind: SpanKind.SERVER,
          parent: contextFromMetadata(call.metadata),
          attributes: { 'rpc.system': 'grpc' },
        },
        () => {
          if (method !== 'GetStatus') release = budget.acquire(1);
          return run(call.request as RequestOf<M>);
        },
      )
        .finally(() => release?.())
        .then(
          reply => callback(null, reply),
          (error: unknown) => {
            context.refusals.countError(error);
            counters.add('errors');
            counters.add(`errors.${isTabaError(error) ? error.reason : 'INTERNAL'}`);
            if (!isTabaError(error) || error.kind === 'INTERNAL') {
              logger.error({ err: error, method }, 'query failed');
            } else if (error.kind === 'UNAVAILABLE') {
              logger.warn({ err: error, method }, 'query failed: a dependency is unavailable');
            } else {
              logger.debug({ reason: error.reason, method }, error.message);
            }
            callback(toGrpcStatus(error));
          },
        );
    };
    return handler as unknown as QueryHandlers[M];
  }

  const metrics = (): Record<string, number> => {
    const stats = cache.stats();
    const tabs = catalogue.catalogue.stats();
    const kept = stateCache.stats();
    return {
      ...counters.snapshot(),
      'cache.hits': stats.hits,
      'cache.misses': stats.misses,
      'cache.entries': stats.entries,
      'cache.bytes': stats.bytes,
      'cache.bytes_limit': Number.isFinite(stats.maxBytes) ? stats.maxBytes : 0,
      'cache.too_large': stats.tooLarge,
      ...budget.metrics('queries.inflight'),
      'state_cache.hits': kept.hits,
      'state_cache.misses': kept.misses,
      'state_cache.entries': kept.entries,
      'state_cache.bytes': kept.bytes,
      'state_cache.bytes_limit': kept.maxBytes,
      ...admission.metrics('queries.admission'),
      'catalogue.tabs': tabs.tabs,
      'catalogue.bytes': tabs.bytes,
      'catalogue.bytes_limit': tabs.maxBytes,
      'catalogue.partitions_read': catalogue.partitionsRead,
      'catalogue.overflowing': tabs.overflowing,
      'regex.jobs': matcher.jobs,
      'regex.timeouts': matcher.timeouts,
      'regex.busy': matcher.busy,
      'regex.cache_hits': matches.hits,
    };
  };

  const status = () =>
    clusterInstanceStatus(
      {
        config: config.base,
        context,
        startedAtSeconds,
        discovery,
        peers: [],
        shards,
        partitionCount: config.cluster.partitionCount,
      },
      metrics(),
      {
        'cache.capacity': String(config.cacheEntries),
        'regex.timeout_ms': String(config.regexTimeoutMs),
        'regex.max_length': String(config.regexMaxLength),
        'tabs.max_per_query': String(config.maxTabsPerQuery),
      },
    );
  context.metrics.useStatus(status);

  const handlers: QueryHandlers = {
    GetAggregates: unary('GetAggregates', async request => ({
      tabs: await engine.aggregates(request.filter, renderModeOf(request.mode)),
    })),
    GetProjections: unary('GetProjections', async request => ({
      tabs: await engine.projections(request.filter, renderModeOf(request.mode)),
    })),
    GetSuperAggregate: unary('GetSuperAggregate', request =>
      engine.superAggregate(request.filter, renderModeOf(request.mode)),
    ),
    ListNames: unary('ListNames', async request => ({
      names: await engine.listNames(request.filter),
    })),
    ListClients: unary('ListClients', async request => ({
      clientIds: await engine.listClients(request.filter),
    })),
    ListTypes: unary('ListTypes', async request => ({
      types: await engine.listTypes(request.filter),
    })),
    DeleteTabs: unary('DeleteTabs', async request => ({
      deleted: await engine.deleteTabs(request.filter),
    })),
    GetCardinality: unary('GetCardinality', async request => {
      const tally = new CardinalityTally(cardinalityTop(request.top, config.cardinalityTopMax));
      await store.walkCardinality(counts => tally.add(counts));
      return tally.report();
    }),
    GetStatus: unary('GetStatus', status),
  };
  context.server.addService(loadTabaProtos().taba.internal.v1.Query.service, handlers);
  return {
    serviceNames: [QUERY_GRPC_SERVICE],
    // The runner registers this instance in it, deregisters it before draining, closes it last.
    discovery,
    close: async () => {
      await matcher.close();
      if (!deps.shards) await shards.close();
    },
  };
}
