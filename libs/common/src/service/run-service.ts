import type { Server } from '@grpc/grpc-js';
import type { HealthImplementation } from 'grpc-health-check';
import type { Discovery } from '../discovery/discovery.js';
import { StaticDiscovery } from '../discovery/static-discovery.js';
import type { CallGuard } from '../grpc/call-guard.js';
import { callGuardInterceptor, internalTokenGuard } from '../grpc/call-guard.js';
import { addHealthService, bindServer, createGrpcServer, shutdownServer } from '../grpc/server.js';
import type { Logger } from '../logging/logger.js';
import { startMetricsAndReflection } from '../metrics/runner-hooks.js';
import { ServiceMetrics } from '../metrics/service-metrics.js';
import { TlsCredentials } from '../tls/tls-credentials.js';
import type { ServiceBaseConfig } from './base-config.js';
import { advertisedAddress } from './base-config.js';
import { Refusals } from './refusals.js';
import { Shutdown } from './shutdown.js';

/** What a service's factory hands the runner: a server with its handlers added. */
export interface BuiltService {
  /** Fully qualified gRPC service names served, for the health service (e.g. 'taba.v1.Taba'). */
  readonly serviceNames: readonly string[];
  /**
   * Where this instance finds its peers and is found. The runner registers this instance in it
   * once the server is bound and SERVING, deregisters it first thing on stop (before draining)
   * and closes it after `close`. @default a static discovery that knows no instance
   */
  readonly discovery?: Discovery;
  /** Called after the gRPC server stopped: flush, close clients and stores, in order. */
  readonly close?: () => Promise<void> | void;
}

export interface ServiceBuildContext {
  readonly server: Server;
  /** The address the server is bound to, known once bound. */
  readonly address: () => string;
  /**
   * The address peers dial, as registered in discovery: TABA_ADVERTISE_ADDRESS, else the bound
   * address. Known once bound.
   */
  readonly advertisedAddress: () => string;
  /**
   * This instance's id as discovery publishes it (static: its advertised address; Consul:
   * TABA_INSTANCE_ID): what to compare with the ids of discovery's members. Known once bound.
   */
  readonly selfId: () => string;
  /** The service's logger. */
  readonly logger: Logger;
  /**
   * Replaces the guard every call passes before its handler (see `callGuardInterceptor`):
   * by default the internal-token check when TABA_INTERNAL_TOKEN is set, else none. The
   * gateway, the public door, sets its own (bearer tokens and scopes). Health stays open.
   */
  readonly guardCalls: (guard: CallGuard | undefined) => void;
  /** Requests refused by a limit, by reason; status shows them (`refused.<REASON>`). */
  readonly refusals: Refusals;
  /** Credentials of this instance's servers and of every channel it opens (TABA_TLS_*). */
  readonly tls: TlsCredentials;
  /** The process's Prometheus registry: give it the status reader and observe latencies. */
  readonly metrics: ServiceMetrics;
}

export interface RunningService {
  readonly port: number;
  readonly address: string;
  /** The address registered in discovery (see {@link ServiceBuildContext.advertisedAddress}). */
  readonly advertisedAddress: string;
  /** The id discovery publishes this instance under (see {@link ServiceBuildContext.selfId}). */
  readonly selfId: string;
  readonly health: HealthImplementation;
  /** The instance's TLS credentials; {@link installProcessHandlers} reloads them on SIGHUP. */
  readonly tls: TlsCredentials;
  /** Where `GET /metrics` is served (TABA_METRICS_ADDRESS), if the runner serves it. */
  readonly metricsAddress: string | undefined;
  /**
   * Ordered and idempotent: NOT_SERVING, deregister from discovery, drain the server, close
   * dependencies, close discovery.
   */
  stop(): Promise<void>;
}

/**
 * Builds, binds and starts a service. Health turns SERVING only once the port is bound, then
 * the instance registers in discovery (as `config.instanceId` at its advertised address). On
 * stop, health turns NOT_SERVING and the instance deregisters before the server drains, so
 * probes and peers stop sending before it closes.
 */
export async function startService(
  config: ServiceBaseConfig,
  logger: Logger,
  build: (context: ServiceBuildContext) => BuiltService | Promise<BuiltService>,
): Promise<RunningService> {
  let guard: CallGuard | undefined =
    config.internalTokens === undefined ? undefined : internalTokenGuard(config.internalTokens);
  const refusals = new Refusals();
  const metrics = new ServiceMetrics();
  const server = createGrpcServer(
    { maxMessageBytes: config.maxMessageBytes, maxResponseBytes: config.maxResponseBytes },
    reason => refusals.count(reason),
    [callGuardInterceptor(() => guard)],
  );
  const tls = new TlsCredentials(config.tls);
  tls.watch(config.tls.reloadIntervalMs, error =>
    logger.warn({ err: error }, 'TLS files changed but could not be used; the previous ones stay'),
  );
  let boundAddress = '';
  let advertised = '';
  let selfId = '';
  let built: BuiltService;
  try {
    built = await build({
      server,
      address: () => boundAddress,
      advertisedAddress: () => advertised,
      selfId: () => selfId,
      logger,
      guardCalls: next => {
        guard = next;
      },
      refusals,
      tls,
      metrics,
    });
  } catch (error) {
    tls.close();
    throw error;
  }
  const discovery = built.discovery ?? new StaticDiscovery({});
  const health = addHealthService(server, built.serviceNames);

  const shutdown = new Shutdown((step, error) =>
    logger.error({ err: error, step }, 'shutdown step failed'),
  );
  shutdown.add('health', () => {
    for (const name of ['', ...built.serviceNames]) health.setStatus(name, 'NOT_SERVING');
  });
  shutdown.add('deregister', () => discovery.deregister());
  shutdown.add('grpc server', () => shutdownServer(server, config.shutdownGraceMs));
  if (built.close) shutdown.add('dependencies', built.close);
  shutdown.add('discovery', () => discovery.close());
  shutdown.add('tls', () => tls.close());

  let port: number;
  let metricsAddress: string | undefined;
  try {
    const endpoint = await startMetricsAndReflection(
      config,
      server,
      built.serviceNames,
      metrics,
      logger,
    );
    if (endpoint) shutdown.add('metrics', endpoint.close);
    metricsAddress = endpoint?.address;
    port = await bindServer(server, config.grpcAddress, tls.serverCredentials());
    boundAddress = config.grpcAddress.replace(/:\d+$/, `:${port}`);
    advertised = advertisedAddress(config, boundAddress);
    selfId = discovery.idOf({ id: config.instanceId, address: advertised });
  } catch (error) {
    // Nothing was served or registered: release what the factory opened, then report.
    await shutdown.run();
    throw error;
  }
  for (const name of ['', ...built.serviceNames]) health.setStatus(name, 'SERVING');
  logger.info(
    { address: boundAddress, advertised, instanceId: config.instanceId, selfId, tls: tls.serving },
    'listening',
  );
  shutdown.add('log', () => logger.info('stopped'));
  try {
    // Resolves once the first attempt is over; Consul being down does not stop the start
    // (the heartbeat keeps registering), a misuse (registering twice) does.
    await discovery.register({
      service: config.service,
      id: config.instanceId,
      address: advertised,
    });
  } catch (error) {
    await shutdown.run();
    throw error;
  }
  return {
    port,
    address: boundAddress,
    advertisedAddress: advertised,
    selfId,
    health,
    tls,
    metricsAddress,
    stop: () => shutdown.run(),
  };
}

/** Reads the TLS files again; a file that cannot be used is logged and the previous material stays. */
function reloadTls(running: RunningService, logger: Logger): void {
  const failures = running.tls.reload();
  for (const error of failures)
    logger.warn({ err: error }, 'TLS reload failed; the previous files stay');
  if (failures.length === 0) logger.info(running.tls.status(), 'TLS files reloaded');
}

/**
 * SIGHUP reloads the TLS files.
 * SIGTERM/SIGINT stop the service and exit 0; a second signal exits at once with 1.
 * An uncaught error is logged and exits with 1 after the same stop.
 */
export function installProcessHandlers(running: RunningService, logger: Logger): void {
  let stopping = false;
  const stopAndExit = (code: number) => {
    if (stopping) {
      process.exit(1);
    }
    stopping = true;
    running.stop().then(
      () => process.exit(code),
      () => process.exit(1),
    );
  };
  process.on('SIGHUP', () => reloadTls(running, logger));
  process.on('SIGTERM', () => stopAndExit(0));
  process.on('SIGINT', () => stopAndExit(0));
  process.on('uncaughtException', error => {
    logger.fatal({ err: error }, 'uncaught exception');
    stopAndExit(1);
  });
  process.on('unhandledRejection', reason => {
    logger.fatal({ err: reason }, 'unhandled rejection');
    stopAndExit(1);
  });
}
