import { execFile } from 'node:child_process';
import { accessSync, constants, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { freePort, LOOPBACK } from './free-port.js';
import { pollUntil } from './poll.js';
import type { ProbeAccess } from './redis-probe.js';
import { infoFields, withProbeConnection } from './redis-probe.js';
import type { RedisServer } from './redis-server.js';
import { findRedisServer, startRedisServer } from './redis-server.js';
import type { TestPki } from './test-pki.js';

const run = promisify(execFile);

export interface RedisClusterOptions {
  /** Replicas of each of the three masters. @default 0 */
  readonly replicasPerMaster?: number;
  /** Bound on start-up: nodes, `--cluster create`, `cluster_state:ok` everywhere, ms. @default 30000 */
  readonly readyTimeoutMs?: number;
  /** `requirepass` and `masterauth` of every node. */
  readonly password?: string;
  /** TLS only, clients, replication and the cluster bus alike, with `pki.server`'s certificate. */
  readonly tls?: { readonly pki: TestPki };
}

/** A Redis Cluster of child processes of the tests. */
export interface RedisCluster {
  /** `redis+cluster://127.0.0.1:p1,127.0.0.1:p2,127.0.0.1:p3` (seed nodes; `rediss+cluster://` with TLS), never with a password */
  readonly url: string;
  /** Every node, masters and replicas, in start order. */
  readonly nodes: readonly { readonly host: string; readonly port: number }[];
  /** Stops every node and removes their temp dirs. Idempotent. */
  stop(): Promise<void>;
}

const MASTER_COUNT = 3;
const SLOT_COUNT = 16_384;
/** A node unreachable this long is failing (cluster-node-timeout); short for tests. */
const NODE_TIMEOUT_MS = 2000;
const START_ATTEMPTS = 3;
/** Bound on `redis-cli --cluster create`, ms. */
const CREATE_TIMEOUT_MS = 20_000;

/** `redis-cli`, next to `redis-server` or on PATH. */
function findRedisCli(): string {
  const candidate = join(dirname(findRedisServer()), 'redis-cli');
  try {
    accessSync(candidate, constants.X_OK);
    return candidate;
  } catch {
    throw new Error(`redis-cli not found next to redis-server: apt-get install redis-tools`);
  }
}

/**
 * One cluster node. The cluster bus port is chosen too (`cluster-port`, Redis ≥ 7): the
 * default, port + 10000, may be taken or above 65535 for a port the system handed out.
 */
async function startClusterNode(options: RedisClusterOptions): Promise<RedisServer> {
  const { password, tls } = options;
  let lastError: unknown;
  for (let attempt = 1; attempt <= START_ATTEMPTS; attempt += 1) {
    try {
      return await startRedisServer({
        ...(password === undefined ? {} : { password }),
        ...(tls && { tls: { pki: tls.pki, authClients: 'optional' as const } }),
        extraArgs: [
          ...(password === undefined ? [] : ['--masterauth', password]),
          ...(tls ? ['--tls-cluster', 'yes', '--tls-replication', 'yes'] : []),
          '--cluster-enabled',
          'yes',
          '--cluster-config-file',
          'nodes.conf',
          '--cluster-port',
          String(await freePort()),
          '--cluster-node-timeout',
          String(NODE_TIMEOUT_MS),
          '--repl-diskless-sync-delay',
          '0',
        ],
      });
    } catch (error) {
      // Most likely the bus port was taken between freePort and the bind: try new ports.
      lastError = error;
    }
  }
  throw lastError;
}

/** What one node says about the cluster: CLUSTER INFO and INFO replication fields, CLUSTER NODES. */
async function nodeView(
  port: number,
  access: ProbeAccess,
): Promise<{ fields: Map<string, string>; flags: string[][] }> {
  return withProbeConnection(
    port,
    async client => {
      const fields = infoFields(
        `${String(await client.call('CLUSTER', 'INFO'))}\n${await client.info('replication')}`,
      );
      // CLUSTER NODES: one line per node, its third field the flags (`myself,master`, `slave`, …).
      const flags = String(await client.call('CLUSTER', 'NODES'))
        .trim()
        .split('\n')
        .map(line => (line.split(' ')[2] ?? '').split(','));
      return { fields, flags };
    },
    access,
  );
}

/**
 * Whether a node serves every slot, sees every node healthy in its final role (replica roles
 * reach the other nodes by gossip after `--cluster create` returns), and, as a replica, is in sync.
 */
async function isNodeReady(
  port: number,
  replicasPerMaster: number,
  access: ProbeAccess,
): Promise<boolean> {
  const { fields, flags } = await nodeView(port, access);
  const count = (flag: string) => flags.filter(nodeFlags => nodeFlags.includes(flag)).length;
  const unhealthy = ['fail', 'fail?', 'handshake', 'noaddr'].some(flag => count(flag) > 0);
  return (
    fields.get('cluster_state') === 'ok' &&
    fields.get('cluster_slots_ok') === String(SLOT_COUNT) &&
    !unhealthy &&
    count('master') === MASTER_COUNT &&
    count('slave') === MASTER_COUNT * replicasPerMaster &&
    (fields.get('role') !== 'slave' || fields.get('master_link_status') === 'up')
  );
}

/**
 * Starts a Redis Cluster of three masters (and `replicasPerMaster` replicas each) on free
 * 127.0.0.1 ports, created with `redis-cli --cluster create`. Resolves once every node
 * reports `cluster_state:ok`; stops every node if that does not happen in time.
 */
export async function startRedisCluster(options: RedisClusterOptions = {}): Promise<RedisCluster> {
  const replicasPerMaster = options.replicasPerMaster ?? 0;
  const access: ProbeAccess = {
    ...(options.password === undefined ? {} : { password: options.password }),
    ...(options.tls && {
      tls: {
        ca: readFileSync(options.tls.pki.caFile),
        cert: readFileSync(options.tls.pki.client.certFile),
        key: readFileSync(options.tls.pki.client.keyFile),
      },
    }),
  };
  const nodeCount = MASTER_COUNT * (1 + replicasPerMaster);
  const started = await Promise.allSettled(
    Array.from({ length: nodeCount }, () => startClusterNode(options)),
  );
  const servers = started.flatMap(result => (result.status === 'fulfilled' ? [result.value] : []));
  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= Promise.all(servers.map(server => server.stop())).then(() => {});
    return stopping;
  };

  try {
    const failed = started.find(result => result.status === 'rejected');
    if (failed) throw failed.reason;
    const addresses = servers.map(server => `${LOOPBACK}:${server.port}`);
    const pki = options.tls?.pki;
    await run(
      findRedisCli(),
      [
        ...(pki
          ? [
              '--tls',
              '--cacert',
              pki.caFile,
              '--cert',
              pki.client.certFile,
              '--key',
              pki.client.keyFile,
            ]
          : []),
        '--cluster',
        'create',
        ...addresses,
        '--cluster-replicas',
        String(replicasPerMaster),
        '--cluster-yes',
      ],
      {
        timeout: CREATE_TIMEOUT_MS,
        killSignal: 'SIGKILL',
        // The password through the environment, never on a command line.
        env: { ...process.env, ...(options.password && { REDISCLI_AUTH: options.password }) },
      },
    );
    await pollUntil(
      async () => {
        for (const server of servers) {
          if (!(await isNodeReady(server.port, replicasPerMaster, access))) return undefined;
        }
        return true;
      },
      {
        what: `cluster_state:ok and final roles on all ${nodeCount} cluster nodes`,
        timeoutMs: options.readyTimeoutMs ?? 30_000,
        intervalMs: 100,
      },
    );
  } catch (error) {
    await stop();
    throw error;
  }

  const nodes = servers.map(server => ({ host: LOOPBACK, port: server.port }));
  const seeds = nodes.slice(0, MASTER_COUNT).map(({ host, port }) => `${host}:${port}`);
  const scheme = options.tls ? 'rediss+cluster' : 'redis+cluster';
  return { url: `${scheme}://${seeds.join(',')}`, nodes, stop };
}
