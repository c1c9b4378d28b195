import type { Server } from '@grpc/grpc-js';
import type { HealthImplementation } from 'grpc-health-check';
import { addHealthService, bindServer, createGrpcServer, shutdownServer } from '../grpc/server.js';
import type { Logger } from '../logging/logger.js';
import type { ServiceBaseConfig } from './base-config.js';
import { Shutdown } from './shutdown.js';

/** What a service's factory hands the runner: a server with its handlers added. */
export interface BuiltService {
  /** Fully qualified gRPC service names served, for the health service (e.g. 'taba.v1.Taba'). */
  readonly serviceNames: readonly string[];
  /** Called after the gRPC server stopped: flush, close clients and stores, in order. */
  readonly close?: () => Promise<void> | void;
}

export interface ServiceBuildContext {
  readonly server: Server;
  /** The address clients reach this instance at, known once bound. */
  readonly address: () => string;
  /** The service's logger. */
  readonly logger: Logger;
}

export interface RunningService {
  readonly port: number;
  readonly address: string;
  readonly health: HealthImplementation;
  /** Ordered and idempotent: NOT_SERVING, drain the server, close dependencies. */
  stop(): Promise<void>;
}

/**
 * Builds, binds and starts a service. Health turns SERVING only once the port is bound,
 * and NOT_SERVING first thing on stop, so probes and discovery drain it before it closes.
 */
export async function startService(
  config: ServiceBaseConfig,
  logger: Logger,
  build: (context: ServiceBuildContext) => BuiltService | Promise<BuiltService>,
): Promise<RunningService> {
  const server = createGrpcServer({ maxMessageBytes: config.maxMessageBytes });
  let boundAddress = '';
  const built = await build({ server, address: () => boundAddress, logger });
  const health = addHealthService(server, built.serviceNames);
  const port = await bindServer(server, config.grpcAddress);
  boundAddress = config.grpcAddress.replace(/:\d+$/, `:${port}`);
  for (const name of ['', ...built.serviceNames]) health.setStatus(name, 'SERVING');
  logger.info({ address: boundAddress, instanceId: config.instanceId }, 'listening');

  const shutdown = new Shutdown((step, error) =>
    logger.error({ err: error, step }, 'shutdown step failed'),
  );
  shutdown.add('health', () => {
    for (const name of ['', ...built.serviceNames]) health.setStatus(name, 'NOT_SERVING');
  });
  shutdown.add('grpc server', () => shutdownServer(server, config.shutdownGraceMs));
  if (built.close) shutdown.add('dependencies', built.close);
  shutdown.add('log', () => logger.info('stopped'));
  return { port, address: boundAddress, health, stop: () => shutdown.run() };
}

/**
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
