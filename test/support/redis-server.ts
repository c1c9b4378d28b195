import { accessSync, constants, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { REDIS_SERVER_TUNING } from '@taba/common';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { LOOPBACK } from './free-port.js';
import type { ProbeAccess } from './redis-probe.js';
import type { RedisProcessOptions } from './redis-process.js';
import { loopbackDataNodeArgs, spawnRedisProcess, startOnFreePort } from './redis-process.js';
import type { TestPki } from './test-pki.js';

/** A redis-server child process of the tests. */
export interface RedisServer {
  readonly port: number;
  /** `redis://127.0.0.1:<port>` (`rediss://` with `tls`), never with a password */
  readonly url: string;
  /** SIGTERM, then SIGKILL after a timeout; removes the temp dir. Idempotent. */
  stop(): Promise<void>;
}

/** How a server starts; the start-up and SIGTERM bounds are those of every redis process. */
export interface RedisServerOptions extends RedisProcessOptions {
  /** Extra `redis-server` arguments, e.g. `['--maxmemory', '10mb']`. */
  readonly extraArgs?: readonly string[];
  /** Where to look for `redis-server`. @default process.env.PATH */
  readonly searchPath?: string;
  /**
   * TLS only (`port 0`, `tls-port`): the certificate of `pki.server`, client certificates
   * from `pki`'s CA checked as `authClients` says. @default plaintext
   */
  readonly tls?: { readonly pki: TestPki; readonly authClients?: 'yes' | 'no' | 'optional' };
  /** `requirepass`: the password of the default user. */
  readonly password?: string;
  /** ACL users, each a `user` directive's rules, e.g. `taba on >secret ~* &* +@all`. */
  readonly aclUsers?: readonly string[];
}

/** The arguments of `options.tls`, `password` and `aclUsers` (after the port's). */
function securityArgs(port: number, options: RedisServerOptions): string[] {
  const tls = options.tls;
  return [
    ...(tls
      ? [
          '--port',
          '0',
          '--tls-port',
          String(port),
          '--tls-cert-file',
          tls.pki.server.certFile,
          '--tls-key-file',
          tls.pki.server.keyFile,
          '--tls-ca-cert-file',
          tls.pki.caFile,
          '--tls-auth-clients',
          tls.authClients ?? 'no',
        ]
      : []),
    ...(options.password === undefined ? [] : ['--requirepass', options.password]),
    ...(options.aclUsers ?? []).flatMap(rules => ['--user', ...rules.split(' ')]),
  ];
}

/** How the harness's PING logs in to a server started with `options`. */
function probeAccessOf(options: RedisServerOptions): ProbeAccess {
  const tls = options.tls;
  return {
    ...(options.password === undefined ? {} : { password: options.password }),
    ...(tls && {
      tls: {
        ca: readFileSync(tls.pki.caFile),
        cert: readFileSync(tls.pki.client.certFile),
        key: readFileSync(tls.pki.client.keyFile),
      },
    }),
  };
}

const REDIS_BINARY = 'redis-server';

/** The absolute path of `redis-server` on `searchPath`, or a clear error. */
export function findRedisServer(searchPath: string = process.env.PATH ?? ''): string {
  for (const dir of searchPath.split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, REDIS_BINARY);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not here; try the next directory.
    }
  }
  throw new Error(`${REDIS_BINARY} not found on PATH: apt-get install redis-server`);
}

/** One start on `port` in a fresh temp dir; undefined when the port was taken before the bind. */
async function startOnce(
  binary: string,
  port: number,
  options: RedisServerOptions,
): Promise<RedisServer | undefined> {
  const dir = await mkdtemp(join(tmpdir(), 'taba-redis-'));
  const removeDir = () => rm(dir, { recursive: true, force: true });
  const args = [
    ...loopbackDataNodeArgs(port, dir, false),
    ...REDIS_SERVER_TUNING,
    ...securityArgs(port, options),
    ...(options.extraArgs ?? []),
  ];
  const started = await spawnRedisProcess(binary, args, port, REDIS_BINARY, {
    ...options,
    probe: probeAccessOf(options),
  }).catch(async (error: unknown) => {
    await removeDir();
    throw error;
  });
  if (!started) {
    await removeDir();
    return undefined;
  }

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= started.stop().then(removeDir);
    return stopping;
  };
  return { port, url: `${options.tls ? 'rediss' : 'redis'}://${LOOPBACK}:${port}`, stop };
}

/**
 * Spawns a real `redis-server` on a free 127.0.0.1 port with no persistence and a fresh temp
 * dir, and resolves once it answers PING (polled; bounded by `readyTimeoutMs`).
 */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  const binary = findRedisServer(options.searchPath);
  return startOnFreePort(REDIS_BINARY, port => startOnce(binary, port, options));
}

/**
 * One redis-server for the enclosing describe block (or file): started in beforeAll, stopped
 * in afterAll. Call the returned function inside tests to get it.
 */
export function useRedisServer(options: RedisServerOptions = {}): () => RedisServer {
  let server: RedisServer | undefined;
  beforeAll(async () => {
    server = await startRedisServer(options);
  });
  afterAll(async () => {
    await server?.stop();
  });
  return () => {
    if (!server) throw new Error('useRedisServer: the server is only available inside tests');
    return server;
  };
}

/**
 * A client of a server from {@link useRedisServer}, connected in beforeAll, emptied before
 * each test and closed in afterAll: for suites that own their server.
 */
export function useFlushedRedisClient(server: () => RedisServer): () => Redis {
  let client: Redis | undefined;
  beforeAll(() => {
    client = new Redis(server().url);
  });
  afterAll(async () => {
    await client?.quit();
  });
  beforeEach(async () => {
    await client?.flushall();
  });
  return () => {
    if (!client)
      throw new Error('useFlushedRedisClient: the client is only available inside tests');
    return client;
  };
}
