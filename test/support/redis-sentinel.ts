import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LOOPBACK } from './free-port.js';
import { pollUntil } from './poll.js';
import type { ProbeAccess } from './redis-probe.js';
import { infoFields, withProbeConnection } from './redis-probe.js';
import type { RedisProcess } from './redis-process.js';
import { loopbackDataNodeArgs, spawnRedisProcess, startOnFreePort } from './redis-process.js';
import { findRedisServer } from './redis-server.js';
import type { TestPki } from './test-pki.js';

/** A host and port, as ioredis takes them. */
export interface RedisAddress {
  readonly host: string;
  readonly port: number;
}

export interface SentinelShardOptions {
  /** The master set name. @default 'taba-shard' */
  readonly name?: string;
  /** Replicas of the master. @default 1 */
  readonly replicas?: number;
  /** AOF on every data node (`appendfsync everysec`); off means no persistence at all. @default false */
  readonly appendOnly?: boolean;
  /** Bound on start-up: processes, replica sync, Sentinel quorum, ms. @default 30000 */
  readonly readyTimeoutMs?: number;
  /** Bound on each failover, promotion and healthy wait, ms. @default 30000 */
  readonly failoverTimeoutMs?: number;
  /** `requirepass` and `masterauth` of the data nodes (the Sentinels get it as `auth-pass`). */
  readonly password?: string;
  /** `requirepass` of the Sentinels themselves. */
  readonly sentinelPassword?: string;
  /** TLS only, data nodes and Sentinels, replication too, with `pki.server`'s certificate. */
  readonly tls?: { readonly pki: TestPki };
}

/** A master, its replicas and three Sentinels, all child processes of the tests. */
export interface SentinelShard {
  readonly name: string;
  readonly sentinels: readonly RedisAddress[];
  /** `redis+sentinel://127.0.0.1:p1,127.0.0.1:p2,127.0.0.1:p3/<name>`, never with a password */
  readonly url: string;
  /** Ports of every data node, master and replicas, in start order. */
  readonly nodePorts: readonly number[];
  /** The master, as the Sentinels report it. */
  currentMaster(): Promise<RedisAddress>;
  /** SENTINEL FAILOVER, then waits until every Sentinel names the new master and it is one. */
  failover(): Promise<RedisAddress>;
  /** SIGKILL the master's process, then waits until the Sentinels promote a replica. */
  killMaster(): Promise<RedisAddress>;
  /** Starts every killed node again with its old arguments; Sentinel turns it into a replica. */
  restartKilled(): Promise<void>;
  /**
   * Waits until every running node other than the master is its replica with the link up, and
   * every Sentinel agrees and sees those replicas as healthy: needed before another failover.
   */
  waitHealthy(): Promise<void>;
  /** Stops the Sentinels, then the data nodes; removes the temp dir. Idempotent. */
  stop(): Promise<void>;
}

const SENTINEL_COUNT = 3;
const QUORUM = 2;
const DOWN_AFTER_MS = 1000;
const FAILOVER_TIMEOUT_MS = 10_000;
/**
 * Test-only Sentinel timing (SENTINEL DEBUG, Redis ≥ 7.0). INFO every second instead of 10 s
 * and hello messages twice a second instead of every 2 s: Sentinels find each other, and turn
 * a demoted master into a replica, in a couple of seconds instead of 10–20.
 */
const SENTINEL_DEBUG_TIMING = ['info-period', '1000', 'publish-period', '500'];

/** `INFO <section>` as a map of its `key:value` lines. */
async function info(
  port: number,
  section: string,
  access: ProbeAccess,
): Promise<Map<string, string>> {
  return infoFields(await withProbeConnection(port, client => client.info(section), access));
}

/** A flat `[key, value, key, value…]` reply (RESP2, or a RESP3 map in legacy mode) as a map. */
function pairs(reply: unknown): Map<string, string> {
  const fields = new Map<string, string>();
  if (!Array.isArray(reply)) return fields;
  for (let i = 0; i + 1 < reply.length; i += 2) {
    fields.set(String(reply[i]), String(reply[i + 1]));
  }
  return fields;
}

/**
 * Starts redis-server with the arguments `argsFor(port)` on a free port (a new one when the
 * port was taken before the bind) and resolves once it answers PING.
 */
async function startProcess(
  argsFor: (port: number) => Promise<string[]>,
  what: string,
  probe: ProbeAccess,
): Promise<RedisProcess> {
  const binary = findRedisServer();
  return startOnFreePort(what, async port =>
    spawnRedisProcess(binary, await argsFor(port), port, what, { probe }),
  );
}

/** The probe login of a process with `requirepass password` (none without), over TLS with `pki`. */
function accessOf(password: string | undefined, pki: TestPki | undefined): ProbeAccess {
  return {
    ...(password === undefined ? {} : { password }),
    ...(pki && {
      tls: {
        ca: readFileSync(pki.caFile),
        cert: readFileSync(pki.client.certFile),
        key: readFileSync(pki.client.keyFile),
      },
    }),
  };
}

/** The TLS directives of a node or Sentinel listening on TLS `port` only, replicating over TLS. */
function tlsDirectives(port: number, pki: TestPki): [string, string][] {
  return [
    ['port', '0'],
    ['tls-port', String(port)],
    ['tls-cert-file', pki.server.certFile],
    ['tls-key-file', pki.server.keyFile],
    ['tls-ca-cert-file', pki.caFile],
    ['tls-auth-clients', 'optional'],
    ['tls-replication', 'yes'],
  ];
}

/** A data node: its arguments are kept so that a killed node can start again as it was. */
interface DataNode {
  readonly port: number;
  readonly args: readonly string[];
  process: RedisProcess | undefined;
}

function dataNodeArgs(
  port: number,
  dir: string,
  appendOnly: boolean,
  masterPort: number | undefined,
  security: ShardSecurity,
): string[] {
  const { password, pki } = security;
  return [
    ...(password === undefined ? [] : ['--requirepass', password, '--masterauth', password]),
    ...loopbackDataNodeArgs(port, dir, appendOnly),
    ...(pki ? tlsDirectives(port, pki).flatMap(([name, value]) => [`--${name}`, value]) : []),
    '--appendfsync',
    'everysec',
    // Full syncs start at once instead of after 5 s (tests only; production keeps a delay).
    '--repl-diskless-sync',
    'yes',
    '--repl-diskless-sync-delay',
    '0',
    ...(masterPort === undefined ? [] : ['--replicaof', LOOPBACK, String(masterPort)]),
  ];
}

/** Passwords of the data nodes and the Sentinels, and TLS for all of them. */
interface ShardSecurity {
  readonly password: string | undefined;
  readonly sentinelPassword: string | undefined;
  readonly pki: TestPki | undefined;
}

function sentinelConfig(
  port: number,
  dir: string,
  name: string,
  masterPort: number,
  passwords: ShardSecurity,
): string {
  return [
    `port ${port}`,
    ...(passwords.pki ? tlsDirectives(port, passwords.pki).map(pair => pair.join(' ')) : []),
    `bind ${LOOPBACK}`,
    'daemonize no',
    `dir ${dir}`,
    `sentinel monitor ${name} ${LOOPBACK} ${masterPort} ${QUORUM}`,
    `sentinel down-after-milliseconds ${name} ${DOWN_AFTER_MS}`,
    `sentinel failover-timeout ${name} ${FAILOVER_TIMEOUT_MS}`,
    `sentinel parallel-syncs ${name} 1`,
    ...(passwords.password === undefined
      ? []
      : [`sentinel auth-pass ${name} ${passwords.password}`]),
    // The Sentinels log in to each other with their own requirepass.
    ...(passwords.sentinelPassword === undefined
      ? []
      : [
          `requirepass ${passwords.sentinelPassword}`,
          `sentinel sentinel-pass ${passwords.sentinelPassword}`,
        ]),
    '',
  ].join('\n');
}

async function startDataNode(
  root: string,
  appendOnly: boolean,
  masterPort: number | undefined,
  security: ShardSecurity,
): Promise<DataNode> {
  let args: string[] = [];
  const started = await startProcess(
    async port => {
      const dir = join(root, `node-${port}`);
      await mkdir(dir, { recursive: true });
      args = dataNodeArgs(port, dir, appendOnly, masterPort, security);
      return args;
    },
    masterPort === undefined ? 'redis master' : 'redis replica',
    accessOf(security.password, security.pki),
  );
  return { port: started.port, args, process: started };
}

async function startSentinel(
  root: string,
  name: string,
  masterPort: number,
  passwords: ShardSecurity,
): Promise<RedisProcess> {
  const access = accessOf(passwords.sentinelPassword, passwords.pki);
  const sentinel = await startProcess(
    async port => {
      // Sentinel rewrites its config file: a fresh one in a fresh dir for every start.
      const dir = join(root, `sentinel-${port}`);
      await mkdir(dir, { recursive: true });
      const file = join(dir, 'sentinel.conf');
      await writeFile(file, sentinelConfig(port, dir, name, masterPort, passwords));
      return [file, '--sentinel'];
    },
    'redis-sentinel',
    access,
  );
  await withProbeConnection(
    sentinel.port,
    client => client.call('SENTINEL', 'DEBUG', ...SENTINEL_DEBUG_TIMING),
    access,
  );
  return sentinel;
}

/** The master address a Sentinel reports. */
async function masterOf(
  sentinelPort: number,
  name: string,
  access: ProbeAccess,
): Promise<RedisAddress> {
  const reply = await withProbeConnection(
    sentinelPort,
    client => client.call('SENTINEL', 'GET-MASTER-ADDR-BY-NAME', name),
    access,
  );
  if (!Array.isArray(reply) || reply.length !== 2) {
    throw new Error(`Sentinel ${sentinelPort} knows no master ${name}: ${String(reply)}`);
  }
  return { host: String(reply[0]), port: Number(reply[1]) };
}

/** The master every Sentinel names, or undefined while they disagree. */
async function agreedMaster(sentinelPorts: readonly number[], name: string, access: ProbeAccess) {
  const masters = await Promise.all(sentinelPorts.map(port => masterOf(port, name, access)));
  const first = masters[0];
  if (!first) return undefined;
  return masters.every(master => master.host === first.host && master.port === first.port)
    ? first
    : undefined;
}

/** Whether the node at `port` is a replica of `masterPort` with its link up and synced. */
async function isSyncedReplica(
  port: number,
  masterPort: number,
  access: ProbeAccess,
): Promise<boolean> {
  const replication = await info(port, 'replication', access);
  return (
    replication.get('role') === 'slave' &&
    replication.get('master_port') === String(masterPort) &&
    replication.get('master_link_status') === 'up' &&
    replication.get('master_sync_in_progress') === '0'
  );
}

/** Whether a Sentinel has a quorum and sees every replica in `replicaPorts` as healthy. */
async function sentinelSeesHealthy(
  sentinelPort: number,
  name: string,
  replicaPorts: readonly number[],
  access: ProbeAccess,
): Promise<boolean> {
  return withProbeConnection(
    sentinelPort,
    async client => {
      const quorum = String(await client.call('SENTINEL', 'CKQUORUM', name));
      if (!quorum.startsWith('OK')) return false;
      const master = pairs(await client.call('SENTINEL', 'MASTER', name));
      if (Number(master.get('num-other-sentinels')) !== SENTINEL_COUNT - 1) return false;
      const replicas = await client.call('SENTINEL', 'REPLICAS', name);
      const seen = Array.isArray(replicas) ? replicas.map(pairs) : [];
      return replicaPorts.every(port =>
        seen.some(
          replica =>
            replica.get('port') === String(port) &&
            replica.get('flags') === 'slave' &&
            replica.get('master-link-status') === 'ok' &&
            replica.get('master-port') === master.get('port'),
        ),
      );
    },
    access,
  );
}

/**
 * Starts a Sentinel-managed master set on free 127.0.0.1 ports: a master, `replicas` replicas
 * and three Sentinels (quorum 2, down after 1 s), in a fresh temp dir. Resolves once every
 * replica is in sync and every Sentinel has a quorum and sees them; stops everything if that
 * does not happen within `readyTimeoutMs`.
 */
export async function startSentinelShard(
  options: SentinelShardOptions = {},
): Promise<SentinelShard> {
  const name = options.name ?? 'taba-shard';
  const replicaCount = options.replicas ?? 1;
  const appendOnly = options.appendOnly ?? false;
  const readyTimeoutMs = options.readyTimeoutMs ?? 30_000;
  const failoverTimeoutMs = options.failoverTimeoutMs ?? 30_000;
  const pki = options.tls?.pki;
  const passwords = { password: options.password, sentinelPassword: options.sentinelPassword, pki };
  const nodeAccess = accessOf(options.password, pki);
  const sentinelAccess = accessOf(options.sentinelPassword, pki);
  const root = await mkdtemp(join(tmpdir(), 'taba-sentinel-'));
  const nodes: DataNode[] = [];
  const sentinels: RedisProcess[] = [];

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      // Sentinels first, so that they do not fail over while the nodes go.
      await Promise.all(sentinels.map(sentinel => sentinel.stop()));
      await Promise.all(nodes.map(node => node.process?.stop()));
      await rm(root, { recursive: true, force: true });
    })();
    return stopping;
  };

  const sentinelPorts = () => sentinels.map(sentinel => sentinel.port);
  const currentMaster = async (): Promise<RedisAddress> => {
    const [first] = sentinelPorts();
    if (first === undefined) throw new Error('the shard has no Sentinels');
    return masterOf(first, name, sentinelAccess);
  };
  const runningReplicaPorts = (masterPort: number) =>
    nodes.filter(node => node.process && node.port !== masterPort).map(node => node.port);

  /** Waits until every Sentinel names a master other than `old` and that node is a master. */
  const waitForNewMaster = (old: RedisAddress, what: string) =>
    pollUntil(
      async () => {
        const master = await agreedMaster(sentinelPorts(), name, sentinelAccess);
        if (!master || master.port === old.port) return undefined;
        const role = (await info(master.port, 'replication', nodeAccess)).get('role');
        return role === 'master' ? master : undefined;
      },
      { what, timeoutMs: failoverTimeoutMs, intervalMs: 50 },
    );

  const waitHealthy = async (): Promise<void> => {
    await pollUntil(
      async () => {
        const master = await agreedMaster(sentinelPorts(), name, sentinelAccess);
        if (!master) return undefined;
        if ((await info(master.port, 'replication', nodeAccess)).get('role') !== 'master')
          return undefined;
        const replicaPorts = runningReplicaPorts(master.port);
        for (const port of replicaPorts) {
          if (!(await isSyncedReplica(port, master.port, nodeAccess))) return undefined;
        }
        for (const sentinelPort of sentinelPorts()) {
          if (!(await sentinelSeesHealthy(sentinelPort, name, replicaPorts, sentinelAccess)))
            return undefined;
        }
        return true;
      },
      {
        what: `Sentinel shard ${name}: replicas in sync and seen by every Sentinel`,
        timeoutMs: failoverTimeoutMs,
        intervalMs: 100,
      },
    );
  };

  const failover = async (): Promise<RedisAddress> => {
    const old = await currentMaster();
    const [first] = sentinelPorts();
    if (first === undefined) throw new Error('the shard has no Sentinels');
    await withProbeConnection(
      first,
      client => client.call('SENTINEL', 'FAILOVER', name),
      sentinelAccess,
    );
    return waitForNewMaster(old, `Sentinel shard ${name}: a new master after SENTINEL FAILOVER`);
  };

  const killMaster = async (): Promise<RedisAddress> => {
    const old = await currentMaster();
    const node = nodes.find(candidate => candidate.port === old.port);
    if (!node?.process)
      throw new Error(`the master ${old.port} is not a running node of the shard`);
    await node.process.stop('SIGKILL');
    node.process = undefined;
    return waitForNewMaster(
      old,
      `Sentinel shard ${name}: a replica promoted after the master was killed`,
    );
  };

  const restartKilled = async (): Promise<void> => {
    const binary = findRedisServer();
    for (const node of nodes) {
      if (node.process) continue;
      const restarted = await spawnRedisProcess(
        binary,
        node.args,
        node.port,
        'restarted redis node',
        { probe: nodeAccess },
      );
      if (!restarted) {
        throw new Error(`port ${node.port} was taken before the killed node restarted`);
      }
      node.process = restarted;
    }
  };

  try {
    const master = await startDataNode(root, appendOnly, undefined, passwords);
    nodes.push(master);
    for (let i = 0; i < replicaCount; i += 1) {
      nodes.push(await startDataNode(root, appendOnly, master.port, passwords));
    }
    // Replicas first: a Sentinel learns the replicas from the master's INFO.
    await pollUntil(
      async () => {
        for (const port of runningReplicaPorts(master.port)) {
          if (!(await isSyncedReplica(port, master.port, nodeAccess))) return undefined;
        }
        return true;
      },
      { what: `replicas of ${master.port} in sync`, timeoutMs: readyTimeoutMs, intervalMs: 50 },
    );
    for (let i = 0; i < SENTINEL_COUNT; i += 1) {
      sentinels.push(await startSentinel(root, name, master.port, passwords));
    }
    await pollUntil(
      async () => {
        for (const port of sentinelPorts()) {
          if (
            !(await sentinelSeesHealthy(
              port,
              name,
              runningReplicaPorts(master.port),
              sentinelAccess,
            ))
          ) {
            return undefined;
          }
        }
        return true;
      },
      {
        what: `Sentinel quorum for ${name} (SENTINEL CKQUORUM) and its replicas seen`,
        timeoutMs: readyTimeoutMs,
        intervalMs: 100,
      },
    );
  } catch (error) {
    await stop();
    throw error;
  }

  const sentinelAddresses = sentinelPorts().map(port => ({ host: LOOPBACK, port }));
  return {
    name,
    sentinels: sentinelAddresses,
    url: `${pki ? 'rediss' : 'redis'}+sentinel://${sentinelAddresses.map(({ host, port }) => `${host}:${port}`).join(',')}/${name}`,
    nodePorts: nodes.map(node => node.port),
    currentMaster,
    failover,
    killMaster,
    restartKilled,
    waitHealthy,
    stop,
  };
}
