// The whole stack as real child processes on loopback: Redis shards, aggregators, ingest,
// query and the gateway, wired by static discovery.
import { freePort, LOOPBACK } from './free-port.js';
import type { RedisServer } from './redis-server.js';
import { startRedisServer } from './redis-server.js';
import type { ServiceProcess } from './service-process.js';
import { startServiceProcess } from './service-process.js';

export interface StackOptions {
  readonly redisShards?: number;
  readonly aggregators?: number;
  /** Ingest instances; the gateway spreads batches over them. @default 1 */
  readonly ingests?: number;
  /** Extra variables for every service. */
  readonly env?: Readonly<Record<string, string>>;
  /** Extra variables per service. */
  readonly aggregatorEnv?: Readonly<Record<string, string>>;
}

export interface Stack {
  readonly redis: readonly RedisServer[];
  readonly aggregators: ServiceProcess[];
  readonly ingest: ServiceProcess;
  readonly ingests: readonly ServiceProcess[];
  readonly query: ServiceProcess;
  readonly gateway: ServiceProcess;
  /** The gateway's gRPC and REST addresses. */
  readonly grpcAddress: string;
  readonly restUrl: string;
  /** Variables every service got (shards, partitions, peers). */
  readonly env: Readonly<Record<string, string>>;
  /** Starts aggregator `index` again at its old address (after it was killed), with extra variables. */
  restartAggregator(index: number, env?: Readonly<Record<string, string>>): Promise<ServiceProcess>;
  stop(): Promise<void>;
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const redis = await Promise.all(
    Array.from({ length: options.redisShards ?? 2 }, () => startRedisServer()),
  );
  const aggregatorPorts = await Promise.all(
    Array.from({ length: options.aggregators ?? 1 }, () => freePort()),
  );
  const ingestPorts = await Promise.all(
    Array.from({ length: options.ingests ?? 1 }, () => freePort()),
  );
  const [queryPort, restPort] = await Promise.all([freePort(), freePort()]);
  const address = (port: number | undefined) => `${LOOPBACK}:${port ?? 0}`;
  const env: Record<string, string> = {
    TABA_REDIS_SHARDS: redis.map(server => server.url).join(','),
    TABA_AGGREGATOR_ADDRESSES: aggregatorPorts.map(address).join(','),
    TABA_INGEST_ADDRESSES: ingestPorts.map(address).join(','),
    TABA_QUERY_ADDRESSES: address(queryPort),
    TABA_LOG_LEVEL: 'warn',
    ...options.env,
  };
  const startAggregator = (port: number, extra: Readonly<Record<string, string>> = {}) =>
    startServiceProcess({
      service: 'aggregator',
      port,
      env: { ...env, ...options.aggregatorEnv, ...extra },
    });
  const aggregators = await Promise.all(aggregatorPorts.map(port => startAggregator(port)));
  const [query, ...ingests] = await Promise.all([
    startServiceProcess({ service: 'query', port: queryPort, env }),
    ...ingestPorts.map(port => startServiceProcess({ service: 'ingest', port, env })),
  ]);
  const ingest = ingests[0];
  if (!ingest) throw new Error('a stack needs at least one ingest instance');
  const gateway = await startServiceProcess({
    service: 'gateway',
    env: { ...env, TABA_REST_ADDRESS: address(restPort) },
  });
  const stack: Stack = {
    redis,
    aggregators,
    ingest,
    ingests,
    query,
    gateway,
    grpcAddress: gateway.address,
    restUrl: `http://${address(restPort)}`,
    env,
    async restartAggregator(index, extra = {}) {
      const port = aggregatorPorts[index];
      if (port === undefined) throw new Error(`no aggregator ${index}`);
      const restarted = await startAggregator(port, extra);
      aggregators[index] = restarted;
      return restarted;
    },
    async stop() {
      const services = [gateway, ...ingests, query, ...aggregators];
      await Promise.all(services.map(child => child.stop('SIGTERM', 5000).catch(() => undefined)));
      await Promise.all(redis.map(server => server.stop()));
    },
  };
  return stack;
}
