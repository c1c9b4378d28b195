import type { ServiceDefinition, UntypedServiceImplementation } from '@grpc/grpc-js';
import type {
  BuiltService,
  Discovery,
  Logger,
  ServiceBuildContext,
  ServiceName,
} from '@taba/common';
import {
  createDiscovery,
  createLogger,
  describeInstance,
  discoveryDetails,
  loadTabaProtos,
} from '@taba/common';
import { GatewayAuth } from './auth/gateway-auth.js';
import type { GatewayConfig } from './config.js';
import { Downstream, QUERY_METHODS } from './downstream.js';
import { postHandlers } from './post-handlers.js';
import { queryHandlers } from './query-handlers.js';
import type { RestBackend } from './rest/routes.js';
import { loadDashboardAssets } from './rest/dashboard-assets.js';
import { startRestServer } from './rest/server.js';
import { statusHandler, statusSource } from './status.js';

/** The gRPC service the gateway serves: the public contract, for clients of any language. */
export const GATEWAY_GRPC_SERVICE = 'taba.v1.Taba';

/** What the gateway may be given rather than build (tests give stand-ins). */
export interface GatewayDependencies {
  /**
   * Where the ingest, query and aggregator instances are; the runner registers the gateway in
   * it and closes it. @default what TABA_DISCOVERY says: static over TABA_*_ADDRESSES, or Consul
   */
  readonly discovery?: Discovery;
  /** @default a logger at the configured level */
  readonly logger?: Logger;
}

/** The running gateway as `startService` sees it, plus the REST bridge's bound address. */
export interface GatewayService extends BuiltService {
  readonly restAddress: string;
}

/** The services the gateway calls (ingest, query) or asks for their status (aggregator). */
export const GATEWAY_PEERS: readonly ServiceName[] = ['ingest', 'query', 'aggregator'];

/**
 * The discovery TABA_DISCOVERY asks for: static over TABA_INGEST_ADDRESSES,
 * TABA_QUERY_ADDRESSES and TABA_AGGREGATOR_ADDRESSES, or Consul.
 */
export function gatewayDiscovery(config: GatewayConfig, logger?: Logger): Discovery {
  return createDiscovery(
    config.base.discovery,
    {
      ingest: config.ingestAddresses,
      query: config.queryAddresses,
      aggregator: config.aggregatorAddresses,
    },
    logger,
  );
}

const passThrough = (bytes: Buffer): Buffer => bytes;

/**
 * `taba.v1.Taba` as registered: PostEvents, StreamEvents and PostEventsStream take each EventBatch as raw bytes
 * (forwarded to ingest as they came), the Query methods take and answer raw bytes (forwarded
 * both ways unchanged); GetStatus is decoded as usual.
 */
function gatewayServiceDefinition(): ServiceDefinition {
  const taba = loadTabaProtos().taba.v1.Taba.service;
  const definition: Record<string, ServiceDefinition[string]> = { ...taba };
  for (const name of ['PostEvents', 'StreamEvents', 'PostEventsStream'] as const) {
    definition[name] = { ...taba[name], requestDeserialize: passThrough };
  }
  for (const name of QUERY_METHODS) {
    definition[name] = {
      ...taba[name],
      requestDeserialize: passThrough,
      responseSerialize: passThrough,
    };
  }
  return definition;
}

/**
 * Adds `taba.v1.Taba` to the server and starts the REST bridge on TABA_REST_ADDRESS; used as
 * the `build` callback of `startService`. Stateless: every call goes to an ingest or query
 * instance that discovery reports (round-robin, retried once on each other instance when one is
 * unavailable), bounded by TABA_CALL_DEADLINE_MS or the caller's own sooner deadline.
 */
export async function createGatewayService(
  config: GatewayConfig,
  context: ServiceBuildContext,
  dependencies: GatewayDependencies = {},
): Promise<GatewayService> {
  const startedAtSeconds = Date.now() / 1000;
  const logger =
    dependencies.logger ?? createLogger({ service: 'gateway', level: config.base.logLevel });
  const auth = await GatewayAuth.start(config.auth, logger);
  // The public door checks bearer tokens and scopes instead of the internal token.
  context.guardCalls(auth.required ? auth.guard : undefined);
  const discovery = dependencies.discovery ?? gatewayDiscovery(config, logger);
  const downstream = new Downstream(discovery, {
    callDeadlineMs: config.callDeadlineMs,
    maxResponseBytes: config.base.maxResponseBytes,
    ingestStreams: config.ingestStreams,
    ingestStreamCount: config.ingestStreamCount,
    maxInflightBytes: config.maxInflightBytes,
    ...(config.base.internalTokens === undefined
      ? {}
      : { internalToken: config.base.internalTokens[0] }),
    credentials: context.tls.channelCredentials(),
  });
  let restAddress = config.restAddress;
  const metrics = () => ({
    ...downstream.metrics(),
    ...auth.metrics(),
    ...context.refusals.metrics(),
  });
  const self = () =>
    describeInstance(config.base, context.address(), startedAtSeconds, metrics(), {
      rest: restAddress,
      ...discoveryDetails(discovery, GATEWAY_PEERS, {
        id: context.selfId(),
        address: context.advertisedAddress(),
      }),
    });
  const status = statusSource(self, downstream);
  // /metrics shows the gateway's own figures; each instance serves its own.
  context.metrics.useStatus(self);

  const handlers: UntypedServiceImplementation = {
    ...postHandlers({
      downstream,
      auth,
      maxListedRejections: config.maxListedRejections,
      logger,
    }),
    ...queryHandlers({ downstream, logger }),
    GetStatus: statusHandler(status, auth),
  };
  context.server.addService(gatewayServiceDefinition(), handlers);

  const EventBatch = loadTabaProtos().taba.v1.EventBatch;
  const backend: RestBackend = {
    postBatch: (batch, signal) =>
      downstream.postBatch(EventBatch.serialize(batch), {
        deadline: downstream.deadline(),
        signal,
      }),
    query: (method, request, signal) =>
      downstream.queryTyped(method, request, { deadline: downstream.deadline(), signal }),
    status: () => status(),
    metrics: () => context.metrics.exposition(),
  };
  let rest: Awaited<ReturnType<typeof startRestServer>>;
  try {
    rest = await startRestServer({
      address: config.restAddress,
      maxBodyBytes: config.maxBodyBytes,
      limits: config.restLimits,
      capacity: config.restCapacity,
      refusals: context.refusals,
      backend,
      auth,
      logger,
      tls: context.tls,
      dashboard: await loadDashboardAssets(logger),
    });
  } catch (error) {
    auth.close();
    downstream.close();
    await discovery.close();
    throw error;
  }
  restAddress = rest.address;
  logger.info({ address: rest.address }, 'REST listening');

  return {
    serviceNames: [GATEWAY_GRPC_SERVICE],
    restAddress: rest.address,
    // The runner registers the gateway in it, deregisters it before draining, closes it last.
    discovery,
    close: async () => {
      await rest.close(config.base.shutdownGraceMs);
      auth.close();
      downstream.close();
    },
  };
}
