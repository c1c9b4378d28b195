import type { Server } from '@grpc/grpc-js';
import { addReflection } from '../grpc/reflection.js';
import type { Logger } from '../logging/logger.js';
import type { ServiceBaseConfig } from '../service/base-config.js';
import type { MetricsEndpoint } from './metrics-server.js';
import { serveMetrics } from './metrics-server.js';
import type { ServiceMetrics } from './service-metrics.js';

/**
 * What the runner adds to every service once it is built: reflection of its gRPC services
 * (TABA_GRPC_REFLECTION) and `GET /metrics` on TABA_METRICS_ADDRESS when set.
 * @returns the metrics endpoint, to close on stop, or undefined when none is served
 */
export async function startMetricsAndReflection(
  config: ServiceBaseConfig,
  server: Server,
  serviceNames: readonly string[],
  metrics: ServiceMetrics,
  logger: Logger,
): Promise<MetricsEndpoint | undefined> {
  if (config.grpcReflection) addReflection(server, serviceNames);
  if (config.metricsAddress === undefined) return undefined;
  return serveMetrics(config.metricsAddress, metrics, logger);
}
