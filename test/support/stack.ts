// The whole stack as real child processes on loopback: Redis shards, aggregators, ingest,
// query and the gateway, wired by static discovery (the default) or through a Consul stand-in.
import type { InstanceStatus__Output, ServiceName } from '@taba/common';
import type { ConsulStandInProcess } from './consul-stand-in-process.js';
import { startConsulStandInProcess } from './consul-stand-in-process.js';
import { freePort, LOOPBACK } from './free-port.js';
import { connectTaba, deadlineIn, unary } from './grpc-client.js';
import { pollUntil } from './poll.js';
import type { RedisCluster } from './redis-cluster.js';
import { startRedisCluster } from './redis-cluster.js';
import type { SentinelShard } from './redis-sentinel.js';
import { startSentinelShard } from './redis-sentinel.js';
import type { RedisServer } from './redis-server.js';
import { startRedisServer } from './redis-server.js';
import type { ServiceProcess } from './service-process.js';
import { startServiceProcess } from './service-process.js';
import type { TestPki } from './test-pki.js';

/**
 * What holds the State: plain redis-servers (`redisShards` of them), Sentinel-managed master
 * sets (each a master, its replicas and three Sentinels), or one Redis Cluster.
 */
export type RedisBackend =
  | { readonly kind: 'plain' }
  | {
      readonly kind: 'sentinel';
      readonly shards: number;
      readonly replicas?: number;
      readonly appendOnly?: boolean;
    }
  | { readonly kind: 'cluster'; readonly replicasPerMaster?: number };

export interface StackOptions {
  /** @default { kind: 'plain' } */
  readonly redisBackend?: RedisBackend;
  /** Plain shards (redisBackend 'plain'). @default 2 */
  readonly redisShards?: number;
  /** Extra redis-server arguments for every shard (e.g. AOF on). */
  readonly redisArgs?: readonly string[];
  readonly aggregators?: number;
  /** Ingest instances; the gateway spreads batches over them. @default 1 */
  readonly ingests?: number;
  /** Query instances; the gateway spreads reads over them. @default 1 */
  readonly queries?: number;
  /**
   * `static`: peers from TABA_*_ADDRESSES, as `npm start` runs. `consul`: a Consul stand-in in
   * a child process (`stack.consul`), every service with TABA_DISCOVERY=consul and
   * TABA_INSTANCE_ID=`<service>-<n>`; instances can then be added with `startInstance`.
   * @default 'static'
   */
  readonly discovery?: 'static' | 'consul';
  /** Extra variables for every service. */
  readonly env?: Readonly<Record<string, string>>;
  /**
   * Every service serves TLS with `pki.server`, trusts `pki`'s CA and presents `pki.server` to
   * its peers; with `mutual`, every server requires a client certificate (mTLS). The gateway's
   * REST bridge is then HTTPS (`restUrl`). @default plaintext
   */
  readonly tls?: { readonly pki: TestPki; readonly mutual?: boolean };
  /** Extra variables per service. */
  readonly aggregatorEnv?: Readonly<Record<string, string>>;
}

export interface Stack {
  /** The plain shards (empty with Sentinel or a Cluster). */
  readonly redis: readonly RedisServer[];
  /** The Sentinel-managed shards (redisBackend 'sentinel'), in TABA_REDIS_SHARDS order. */
  readonly sentinelShards: readonly SentinelShard[];
  /** The Redis Cluster (redisBackend 'cluster'). */
  readonly redisCluster: RedisCluster | undefined;
  /** Every aggregator started, in order (killed ones stay, so indexes keep their meaning). */
  readonly aggregators: ServiceProcess[];
  readonly ingest: ServiceProcess;
  /** Every ingest instance started, in order (killed ones stay). */
  readonly ingests: readonly ServiceProcess[];
  readonly query: ServiceProcess;
  /** Every query instance started, in order (killed ones stay). */
  readonly queries: readonly ServiceProcess[];
  readonly gateway: ServiceProcess;
  /** The Consul stand-in (discovery 'consul' only): `stop()`/`start()` keep its port. */
  readonly consul: ConsulStandInProcess | undefined;
  /** The gateway's gRPC and REST addresses. */
  readonly grpcAddress: string;
  readonly restUrl: string;
  /** Variables every service got (shards, partitions, peers). */
  readonly env: Readonly<Record<string, string>>;
  /** The id discovery publishes an instance under: its TABA_INSTANCE_ID in Consul, else its address. */
  memberId(instance: ServiceProcess): string;
  /** The instances of `service` not killed through the stack, in start order. */
  live(service: Exclude<ServiceName, 'gateway'>): readonly ServiceProcess[];
  /** Starts aggregator `index` again at its old address (after it was killed), with extra variables. */
  restartAggregator(index: number, env?: Readonly<Record<string, string>>): Promise<ServiceProcess>;
  /**
   * Starts one more ingest, query or aggregator instance on a free port (discovery 'consul'
   * only: static peers cannot learn of it) and resolves once it is SERVING.
   */
  startInstance(
    service: Exclude<ServiceName, 'gateway'>,
    env?: Readonly<Record<string, string>>,
  ): Promise<ServiceProcess>;
  /** `kill -9` one instance, without a goodbye; resolves once it has exited. */
  killInstance(instance: ServiceProcess): Promise<void>;
  /** GetStatus through the gateway: the gateway first, then every instance it sees. */
  status(): Promise<InstanceStatus__Output[]>;
  /**
   * Waits until the gateway sees exactly the live ingest, query and aggregator instances, and
   * every live ingest and aggregator sees exactly the live aggregators.
   */
  waitForMembership(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/** The ids in a `members.<service>` status detail (`id@address` or `address`, comma-separated). */
export function memberIds(
  details: Readonly<Record<string, string>>,
  service: ServiceName,
): string[] {
  const list = details[`members.${service}`] ?? '';
  if (list === '') return [];
  return list.split(',').map(entry => {
    const at = entry.lastIndexOf('@');
    return at < 0 ? entry : entry.slice(0, at);
  });
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().join('\n') === [...b].sort().join('\n');
}

export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const mode = options.discovery ?? 'static';
  const consul = mode === 'consul' ? await startConsulStandInProcess() : undefined;
  const started: { stop(): Promise<unknown> }[] = [];
  try {
    return await startStackWith(options, consul, started);
  } catch (error) {
    await Promise.all(started.map(each => each.stop().catch(() => undefined)));
    await consul?.close();
    throw error;
  }
}

async function startStackWith(
  options: StackOptions,
  consul: ConsulStandInProcess | undefined,
  started: { stop(): Promise<unknown> }[],
): Promise<Stack> {
  const backend = options.redisBackend ?? { kind: 'plain' };
  const redis = await Promise.all(
    Array.from({ length: backend.kind === 'plain' ? (options.redisShards ?? 2) : 0 }, () =>
      startRedisServer(options.redisArgs ? { extraArgs: options.redisArgs } : {}),
    ),
  );
  started.push(...redis);
  const sentinelShards =
    backend.kind === 'sentinel'
      ? await Promise.all(
          Array.from({ length: backend.shards }, (_, i) =>
            startSentinelShard({
              name: `taba-shard-${i}`,
              replicas: backend.replicas ?? 1,
              appendOnly: backend.appendOnly ?? true,
            }),
          ),
        )
      : [];
  started.push(...sentinelShards);
  const redisCluster =
    backend.kind === 'cluster'
      ? await startRedisCluster({ replicasPerMaster: backend.replicasPerMaster ?? 0 })
      : undefined;
  if (redisCluster) started.push(redisCluster);
  const shardUrls = [
    ...redis.map(server => server.url),
    ...sentinelShards.map(shard => shard.url),
    ...(redisCluster ? [redisCluster.url] : []),
  ];
  const aggregatorPorts = await Promise.all(
    Array.from({ length: options.aggregators ?? 1 }, () => freePort()),
  );
  const ingestPorts = await Promise.all(
    Array.from({ length: options.ingests ?? 1 }, () => freePort()),
  );
  const queryPorts = await Promise.all(
    Array.from({ length: options.queries ?? 1 }, () => freePort()),
  );
  const address = (port: number | undefined) => `${LOOPBACK}:${port ?? 0}`;
  const env: Record<string, string> = {
    TABA_REDIS_SHARDS: shardUrls.join(';'),
    TABA_AGGREGATOR_ADDRESSES: aggregatorPorts.map(address).join(','),
    TABA_INGEST_ADDRESSES: ingestPorts.map(address).join(','),
    TABA_QUERY_ADDRESSES: queryPorts.map(address).join(','),
    TABA_LOG_LEVEL: 'warn',
    ...(consul ? { TABA_DISCOVERY: 'consul', TABA_CONSUL_URL: consul.url } : {}),
    ...(options.tls ? options.tls.pki.serviceEnv({ mutual: options.tls.mutual ?? false }) : {}),
    ...options.env,
  };

  const ids = new Map<ServiceProcess, string>();
  const killed = new Set<ServiceProcess>();
  const counters = new Map<ServiceName, number>();
  /** TABA_INSTANCE_ID for the next instance of `service` (Consul only: static keeps its default). */
  const nextId = (service: ServiceName): Record<string, string> => {
    if (!consul) return {};
    const n = (counters.get(service) ?? 0) + 1;
    counters.set(service, n);
    return { TABA_INSTANCE_ID: `${service}-${n}` };
  };
  const start = async (
    service: ServiceName,
    port: number | undefined,
    extra: Readonly<Record<string, string>> = {},
  ): Promise<ServiceProcess> => {
    const own = { ...nextId(service), ...extra };
    const child = await startServiceProcess({
      service,
      ...(port === undefined ? {} : { port }),
      env: { ...env, ...(service === 'aggregator' ? options.aggregatorEnv : {}), ...own },
    });
    started.push(child);
    ids.set(child, own.TABA_INSTANCE_ID ?? child.address);
    return child;
  };

  const aggregators = await Promise.all(aggregatorPorts.map(port => start('aggregator', port)));
  const queries: ServiceProcess[] = [];
  const ingests: ServiceProcess[] = [];
  await Promise.all([
    ...queryPorts.map(async port => queries.push(await start('query', port))),
    ...ingestPorts.map(async port => ingests.push(await start('ingest', port))),
  ]);
  // Start order, not finishing order.
  const byPort = (ports: number[]) => (a: ServiceProcess, b: ServiceProcess) =>
    ports.indexOf(a.port) - ports.indexOf(b.port);
  queries.sort(byPort(queryPorts));
  ingests.sort(byPort(ingestPorts));
  const ingest = ingests[0];
  const query = queries[0];
  if (!ingest || !query)
    throw new Error('a stack needs at least one ingest and one query instance');
  // Picked only now: a port picked before the other services start may meanwhile be taken as
  // the local port of one of their outgoing connections (seen: EADDRINUSE at the gateway).
  const restPort = await freePort();
  const gateway = await start('gateway', undefined, { TABA_REST_ADDRESS: address(restPort) });

  const listOf = (service: Exclude<ServiceName, 'gateway'>): ServiceProcess[] =>
    service === 'aggregator' ? aggregators : service === 'ingest' ? ingests : queries;
  const live = (service: Exclude<ServiceName, 'gateway'>) =>
    listOf(service).filter(child => !killed.has(child));
  const memberId = (instance: ServiceProcess): string => ids.get(instance) ?? instance.address;

  const status = async (): Promise<InstanceStatus__Output[]> => {
    const client = connectTaba(gateway.address, gateway.credentials);
    try {
      const reply = await unary<{ instances: InstanceStatus__Output[] }>(callback =>
        client.getStatus({}, { deadline: deadlineIn(5000) }, callback),
      );
      return reply.instances;
    } finally {
      client.close();
    }
  };

  const stack: Stack = {
    redis,
    sentinelShards,
    redisCluster,
    aggregators,
    ingest,
    ingests,
    query,
    queries,
    gateway,
    consul,
    grpcAddress: gateway.address,
    restUrl: `${options.tls ? 'https' : 'http'}://${address(restPort)}`,
    env,
    memberId,
    live,
    async restartAggregator(index, extra = {}) {
      const port = aggregatorPorts[index];
      const previous = aggregators[index];
      if (port === undefined || previous === undefined) throw new Error(`no aggregator ${index}`);
      // The same member again: in Consul, the same instance id.
      const restarted = await startServiceProcess({
        service: 'aggregator',
        port,
        env: {
          ...env,
          ...options.aggregatorEnv,
          ...(consul ? { TABA_INSTANCE_ID: memberId(previous) } : {}),
          ...extra,
        },
      });
      started.push(restarted);
      ids.set(restarted, memberId(previous));
      aggregators[index] = restarted;
      return restarted;
    },
    async startInstance(service, extra = {}) {
      if (!consul) {
        throw new Error('startInstance needs discovery "consul": static peers cannot learn of it');
      }
      const child = await start(service, undefined, extra);
      listOf(service).push(child);
      return child;
    },
    async killInstance(instance) {
      killed.add(instance);
      await instance.stop('SIGKILL', 5000);
    },
    status,
    async waitForMembership(timeoutMs = 15_000) {
      const want = {
        ingest: live('ingest').map(memberId),
        query: live('query').map(memberId),
        aggregator: live('aggregator').map(memberId),
      };
      const aggregatorIds = new Set(want.aggregator);
      const ingestIds = new Set(want.ingest);
      let last = 'no answer yet';
      const converged = pollUntil(
        async () => {
          const instances = await status();
          const [self, ...others] = instances;
          last = JSON.stringify(instances.map(each => [each.instanceId, each.details]));
          if (!self) return undefined;
          for (const service of ['ingest', 'query', 'aggregator'] as const) {
            if (!sameSet(memberIds(self.details, service), want[service])) return undefined;
          }
          for (const other of others) {
            const id = other.details['self.id'] ?? '';
            const watcher =
              (other.service === 'aggregator' && aggregatorIds.has(id)) ||
              (other.service === 'ingest' && ingestIds.has(id));
            if (watcher && !sameSet(memberIds(other.details, 'aggregator'), want.aggregator)) {
              return undefined;
            }
          }
          return true;
        },
        { what: `membership ${JSON.stringify(want)} everywhere`, timeoutMs, intervalMs: 100 },
      );
      await converged.catch((error: unknown) => {
        throw new Error(`${error instanceof Error ? error.message : String(error)}; last: ${last}`);
      });
    },
    async stop() {
      const services = [gateway, ...ingests, ...queries, ...aggregators];
      await Promise.all(services.map(child => child.stop('SIGTERM', 5000).catch(() => undefined)));
      await Promise.all(redis.map(server => server.stop()));
      await Promise.all(sentinelShards.map(shard => shard.stop()));
      await redisCluster?.stop();
      await consul?.close();
    },
  };
  return stack;
}
