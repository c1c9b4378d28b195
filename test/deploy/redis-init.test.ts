// The init scripts of the Redis pods (deploy/k8s/redis): who starts as master or replica, what
// each Sentinel monitors, and that real redis-server and Sentinel processes accept the files
// they write. `hostname`, `redis-cli` and `getent` are replaced by stubs that answer as the
// cluster would; the last case runs real servers on 127.0.0.1 with the pods' names mapped to
// localhost.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOOPBACK } from '../support/free-port.js';
import { pollUntil } from '../support/poll.js';
import { withProbeConnection } from '../support/redis-probe.js';
import type { RedisProcess } from '../support/redis-process.js';
import { spawnRedisProcess, startOnFreePort } from '../support/redis-process.js';
import { findOnPath, K8S_DIR } from './k8s-objects.js';

const run = promisify(execFile);
const SCRIPTS = join(K8S_DIR, 'redis');
const DOMAIN = 'taba.svc.cluster.local';
const SENTINEL_HOSTS = [0, 1, 2].map(i => `taba-redis-sentinel-${i}.taba-redis-sentinel`).join(' ');

/** The stable name of pod `i` of shard `n`, as `hostname -f` prints it in the cluster. */
function dataNode(n: number, i: number): string {
  return `taba-redis-shard-${n}-${i}.taba-redis-shard-${n}.${DOMAIN}`;
}

/**
 * Stubs: `hostname -f` prints $FAKE_FQDN; `redis-cli -h H … SENTINEL get-master-addr-by-name S`
 * prints $FAKE_SENTINEL_MASTER (or fails like an unreachable host), `redis-cli -h H … ROLE`
 * prints $FAKE_ROLE_<first label of H, with - as _> when set; every call is logged.
 */
const STUBS: Record<string, string> = {
  hostname: '#!/bin/sh\necho "$FAKE_FQDN"\n',
  'redis-cli': `#!/bin/sh
host=$2
echo "$*" >>"$FAKE_LOG"
echo "\${REDISCLI_AUTH:-none}" >>"$FAKE_LOG.auth"
case "$*" in
  *SENTINEL*)
    if [ -n "\${FAKE_SENTINEL_MASTER:-}" ]; then printf '%s\\n6379\\n' "$FAKE_SENTINEL_MASTER"; exit 0; fi
    echo "Could not connect to Redis at $host" >&2; exit 1 ;;
  *ROLE*)
    label=$(echo "\${host%%.*}" | tr - _)
    eval "role=\\\${FAKE_ROLE_$label:-}"
    if [ -n "$role" ]; then echo "$role"; exit 0; fi
    exit 1 ;;
esac
exit 1
`,
  getent: '#!/bin/sh\nexit 0\n',
};

let work: string;
let stubPath: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'taba-deploy-'));
  const bin = join(work, 'bin');
  await mkdir(bin);
  for (const [name, text] of Object.entries(STUBS)) {
    await writeFile(join(bin, name), text, { mode: 0o755 });
  }
  stubPath = `${bin}${delimiter}${process.env.PATH ?? ''}`;
});

afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

interface ScriptRun {
  readonly config: string;
  readonly output: string;
  /** The redis-cli calls the script made. */
  readonly calls: string[];
  /** The REDISCLI_AUTH of each redis-cli call ('none' when unset). */
  readonly auth: string[];
}

let runs = 0;

/** Runs one init script with the stubs and `env`; answers the file it wrote. */
async function runScript(
  script: 'init-redis.sh' | 'init-sentinel.sh',
  env: Record<string, string>,
): Promise<ScriptRun> {
  runs += 1;
  const dir = join(work, `run-${runs}`);
  await mkdir(dir);
  const log = join(dir, 'calls.log');
  await writeFile(log, '');
  await writeFile(`${log}.auth`, '');
  const { stdout } = await run('sh', [join(SCRIPTS, script)], {
    env: {
      PATH: stubPath,
      FAKE_LOG: log,
      CONFIG_DIR: dir,
      TEMPLATE: join(SCRIPTS, 'redis.conf'),
      SENTINEL_HOSTS,
      ...env,
    },
    timeout: 20_000,
  });
  const file = script === 'init-redis.sh' ? 'redis.conf' : 'sentinel.conf';
  return {
    config: await readFile(join(dir, file), 'utf8'),
    output: stdout,
    calls: (await readFile(log, 'utf8')).split('\n').filter(line => line !== ''),
    auth: (await readFile(`${log}.auth`, 'utf8')).split('\n').filter(line => line !== ''),
  };
}

/** init-redis.sh as pod `i` of shard 0. */
function dataNodeInit(i: number, fqdn = dataNode(0, i), env: Record<string, string> = {}) {
  return runScript('init-redis.sh', {
    FAKE_FQDN: fqdn,
    MASTER_SET: 'shard-0',
    SERVICE: 'taba-redis-shard-0',
    NODES: '2',
    ...env,
  });
}

function lines(config: string): string[] {
  return config.split('\n');
}

const PASSWORD = 'c0ffee-4b1d';

/** The first reply line of a Redis server to `command`, sent raw over TCP. */
function rawReply(port: number, command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: LOOPBACK, port }, () => socket.write(command));
    socket.setTimeout(3000, () => socket.destroy(new Error('no reply')));
    socket.once('data', data => {
      resolve(data.toString('utf8').split('\r\n')[0] ?? '');
      socket.destroy();
    });
    socket.once('error', reject);
  });
}

/** A mounted Secret's file (with `echo`'s newline, as `kubectl create secret --from-file` keeps it). */
async function passwordFile(content = `${PASSWORD}\n`): Promise<string> {
  const dir = await mkdtemp(join(work, 'secret-'));
  const file = join(dir, 'password');
  await writeFile(file, content);
  return file;
}

describe('init-redis.sh (data nodes)', () => {
  it('with the Secret: requirepass and masterauth, redis-cli logs in, maxmemory appended', async () => {
    const file = await passwordFile();
    const node = await dataNodeInit(1, dataNode(0, 1), {
      PASSWORD_FILE: file,
      MAXMEMORY: '1536mb',
    });
    expect(lines(node.config)).toEqual(
      expect.arrayContaining([
        `requirepass "${PASSWORD}"`,
        `masterauth "${PASSWORD}"`,
        'maxmemory 1536mb',
        'maxmemory-policy noeviction',
        'protected-mode yes',
      ]),
    );
    expect(node.auth.length).toBeGreaterThan(0);
    expect(new Set(node.auth)).toEqual(new Set([PASSWORD]));
    // Never on a command line (where ps would show it).
    expect(node.calls.join('\n')).not.toContain(PASSWORD);
    const without = await dataNodeInit(1);
    expect(without.config).not.toMatch(/^(requirepass|masterauth|maxmemory) /m);
    expect(new Set(without.auth)).toEqual(new Set(['none']));
  });

  it('refuses a password it could not write into redis.conf safely', async () => {
    const file = await passwordFile('has "quotes" and spaces\n');
    await expect(dataNodeInit(0, dataNode(0, 0), { PASSWORD_FILE: file })).rejects.toThrow(
      /must hold a password of/,
    );
  });

  it('first start: pod -0 is the master, pod -1 its replica; both announce their names', async () => {
    const first = await dataNodeInit(0);
    expect(first.output).toContain('starts as the master of shard-0');
    expect(lines(first.config)).toContain(`replica-announce-ip ${dataNode(0, 0)}`);
    expect(first.config).not.toMatch(/^replicaof/m);
    // The settings of redis.conf come first.
    expect(lines(first.config)).toEqual(expect.arrayContaining(['appendonly yes', 'dir /data']));

    const second = await dataNodeInit(1);
    expect(lines(second.config)).toContain(`replicaof ${dataNode(0, 0)} 6379`);
    expect(lines(second.config)).toContain(`replica-announce-ip ${dataNode(0, 1)}`);
    // It asked every Sentinel, then the other data node, before falling back.
    expect(
      second.calls.filter(call => call.includes('get-master-addr-by-name shard-0')),
    ).toHaveLength(3);
    expect(
      second.calls.some(call => call.includes(`-h ${dataNode(0, 0)}`) && call.endsWith('ROLE')),
    ).toBe(true);
  });

  it('after a failover, a restarted pod -0 follows the master the Sentinels name', async () => {
    const restarted = await dataNodeInit(0, dataNode(0, 0), {
      FAKE_SENTINEL_MASTER: dataNode(0, 1),
    });
    expect(restarted.output).toContain('named by the Sentinels');
    expect(lines(restarted.config)).toContain(`replicaof ${dataNode(0, 1)} 6379`);
  });

  it('a master that restarts before a failover stays master', async () => {
    const restarted = await dataNodeInit(1, dataNode(0, 1), {
      FAKE_SENTINEL_MASTER: dataNode(0, 1),
    });
    expect(restarted.config).not.toMatch(/^replicaof/m);
    const byAddress = await dataNodeInit(1, dataNode(0, 1), {
      FAKE_SENTINEL_MASTER: '10.1.2.3',
      POD_IP: '10.1.2.3',
    });
    expect(byAddress.config).not.toMatch(/^replicaof/m);
  });

  it('with every Sentinel down, a pod follows the other pod that says it is master', async () => {
    const restarted = await dataNodeInit(0, dataNode(0, 0), {
      FAKE_ROLE_taba_redis_shard_0_1: 'master',
    });
    expect(restarted.output).toContain('ROLE master');
    expect(lines(restarted.config)).toContain(`replicaof ${dataNode(0, 1)} 6379`);
  });

  it('an error reply is not taken for a host name', async () => {
    const restarted = await dataNodeInit(1, dataNode(0, 1), {
      FAKE_SENTINEL_MASTER: 'ERR No such master with that name',
    });
    expect(lines(restarted.config)).toContain(`replicaof ${dataNode(0, 0)} 6379`);
  });

  it('without a FQDN, names are <pod>.<service>', async () => {
    const short = await dataNodeInit(1, 'taba-redis-shard-0-1');
    expect(lines(short.config)).toContain('replicaof taba-redis-shard-0-0.taba-redis-shard-0 6379');
    expect(lines(short.config)).toContain(
      'replica-announce-ip taba-redis-shard-0-1.taba-redis-shard-0',
    );
  });
});

function sentinelInit(env: Record<string, string> = {}) {
  return runScript('init-sentinel.sh', {
    FAKE_FQDN: `taba-redis-sentinel-1.taba-redis-sentinel.${DOMAIN}`,
    SERVICE: 'taba-redis-sentinel',
    MASTER_SETS: 'shard-0=taba-redis-shard-0 shard-1=taba-redis-shard-1 shard-2=taba-redis-shard-2',
    NODES: '2',
    QUORUM: '2',
    ...env,
  });
}

describe('init-sentinel.sh', () => {
  it('with the Secret: its own requirepass and auth-pass for every set, protected mode on', async () => {
    const { config, auth } = await sentinelInit({ PASSWORD_FILE: await passwordFile() });
    const written = lines(config);
    expect(written).toEqual(
      expect.arrayContaining(['protected-mode yes', `requirepass "${PASSWORD}"`]),
    );
    for (const n of [0, 1, 2])
      expect(written).toContain(`sentinel auth-pass shard-${n} "${PASSWORD}"`);
    expect(new Set(auth)).toEqual(new Set([PASSWORD]));
  });

  it('first start: monitors pod -0 of every set, announces and resolves host names', async () => {
    const { config, calls } = await sentinelInit();
    const written = lines(config);
    expect(written).toEqual(
      expect.arrayContaining([
        'sentinel resolve-hostnames yes',
        'sentinel announce-hostnames yes',
        `sentinel announce-ip taba-redis-sentinel-1.taba-redis-sentinel.${DOMAIN}`,
      ]),
    );
    for (const n of [0, 1, 2]) {
      expect(written).toContain(`sentinel monitor shard-${n} ${dataNode(n, 0)} 6379 2`);
      expect(written).toContain(`sentinel down-after-milliseconds shard-${n} 5000`);
    }
    // resolve-hostnames must come before the first monitor line.
    expect(written.indexOf('sentinel resolve-hostnames yes')).toBeLessThan(
      written.findIndex(line => line.startsWith('sentinel monitor')),
    );
    // It asks the other Sentinels, never itself.
    expect(calls.some(call => call.includes('-h taba-redis-sentinel-1.'))).toBe(false);
    expect(calls.some(call => call.includes('-h taba-redis-sentinel-0.'))).toBe(true);
  });

  it('takes the master another Sentinel names, else the node that says ROLE master', async () => {
    const named = await sentinelInit({ FAKE_SENTINEL_MASTER: dataNode(0, 1) });
    expect(lines(named.config)).toContain(`sentinel monitor shard-0 ${dataNode(0, 1)} 6379 2`);
    const byRole = await sentinelInit({ FAKE_ROLE_taba_redis_shard_2_1: 'master' });
    expect(lines(byRole.config)).toContain(`sentinel monitor shard-2 ${dataNode(2, 1)} 6379 2`);
    expect(lines(byRole.config)).toContain(`sentinel monitor shard-1 ${dataNode(1, 0)} 6379 2`);
  });
});

const redisServer = findOnPath('redis-server');

describe.skipIf(!redisServer)(
  redisServer
    ? 'the files the scripts write, run by redis-server and Sentinel on 127.0.0.1'
    : 'the files the scripts write (SKIPPED: redis-server is not on PATH)',
  () => {
    const started: RedisProcess[] = [];
    afterAll(async () => {
      await Promise.all(started.map(server => server.stop()));
    });

    /**
     * Starts redis-server with `configText` (and `extra` arguments) on a free loopback port, in
     * a fresh directory. It listens on 127.0.0.1 and, where there is one, ::1: the names the
     * scripts wrote become localhost, which may resolve to either.
     */
    const probe = { password: PASSWORD };

    async function start(what: string, configText: string, extra: string[] = []) {
      const dir = await mkdtemp(join(work, 'server-'));
      const file = join(dir, what.includes('sentinel') ? 'sentinel.conf' : 'redis.conf');
      const server = await startOnFreePort(what, async port => {
        // The data directory must exist when the file is read.
        await writeFile(file, configText.replace(/^dir .*$/m, `dir ${dir}`));
        const args = [
          file,
          ...extra,
          '--port',
          String(port),
          '--bind',
          `${LOOPBACK} -::1`,
          '--dir',
          dir,
        ];
        return spawnRedisProcess(redisServer ?? 'redis-server', args, port, what, { probe });
      });
      started.push(server);
      return server;
    }

    /** The pods' names become localhost; the Redis port becomes the master's real one. */
    function onLoopback(config: string, masterPort: number): string {
      return config
        .replaceAll(/taba-redis-[a-z0-9-]+(\.[a-z0-9-]+)+/g, 'localhost')
        .replaceAll(/^(replicaof localhost) 6379$/gm, `$1 ${masterPort}`)
        .replaceAll(/^(sentinel monitor \S+ localhost) 6379 2$/gm, `$1 ${masterPort} 1`);
    }

    it('a master, its replica and a Sentinel come up from them and find each other, with the password', async () => {
      const secret = { PASSWORD_FILE: await passwordFile() };
      // Diskless sync without its 5 s wait for more replicas: the test has one.
      const master = await start(
        'redis master',
        (await dataNodeInit(0, dataNode(0, 0), secret)).config,
        ['--repl-diskless-sync-delay', '0'],
      );
      const replica = await start(
        'redis replica',
        onLoopback((await dataNodeInit(1, dataNode(0, 1), secret)).config, master.port),
      );
      const sentinelConfig = (
        await sentinelInit({ MASTER_SETS: 'shard-0=taba-redis-shard-0', ...secret })
      ).config;
      const sentinel = await start('redis sentinel', onLoopback(sentinelConfig, master.port), [
        '--sentinel',
      ]);

      await withProbeConnection(
        master.port,
        async client => {
          expect(await client.config('GET', 'hash-max-listpack-entries')).toEqual([
            'hash-max-listpack-entries',
            '64',
          ]);
          expect(await client.config('GET', 'appendfsync')).toEqual(['appendfsync', 'everysec']);
          expect(await client.config('GET', 'appendonly')).toEqual(['appendonly', 'yes']);
          expect(await client.config('GET', 'maxmemory-policy')).toEqual([
            'maxmemory-policy',
            'noeviction',
          ]);
        },
        probe,
      );
      await pollUntil(
        () =>
          withProbeConnection(
            replica.port,
            async client =>
              /master_link_status:up/.test(await client.info('replication')) ? true : undefined,
            probe,
          ),
        { what: 'the replica linked to its master', timeoutMs: 15_000, intervalMs: 100 },
      );
      await withProbeConnection(
        sentinel.port,
        async client => {
          expect(await client.call('SENTINEL', 'get-master-addr-by-name', 'shard-0')).toEqual([
            'localhost',
            String(master.port),
          ]);
        },
        probe,
      );
      // Sentinel learns the replica from the master, by the name the replica announces.
      await pollUntil(
        () =>
          withProbeConnection(
            sentinel.port,
            async client => {
              const replicas = (await client.call('SENTINEL', 'replicas', 'shard-0')) as unknown[];
              return replicas.length === 1 ? JSON.stringify(replicas) : undefined;
            },
            probe,
          ),
        { what: 'Sentinel sees the replica', timeoutMs: 15_000, intervalMs: 100 },
      ).then(replicas => expect(replicas).toContain('localhost'));
      // Without the password, nothing answers (a raw PING: ioredis only reports a closed connection).
      expect(await rawReply(master.port, 'PING\r\n')).toMatch(/^-NOAUTH /);
      expect(await rawReply(sentinel.port, 'PING\r\n')).toMatch(/^-NOAUTH /);
    });
  },
);
