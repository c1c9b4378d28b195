import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { REDIS_SERVER_TUNING } from '@taba/common';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { freePort, LOOPBACK } from './free-port.js';
import { pollUntil } from './poll.js';

/** A redis-server child process of the tests. */
export interface RedisServer {
  readonly port: number;
  /** `redis://127.0.0.1:<port>` */
  readonly url: string;
  /** SIGTERM, then SIGKILL after a timeout; removes the temp dir. Idempotent. */
  stop(): Promise<void>;
}

export interface RedisServerOptions {
  /** Extra `redis-server` arguments, e.g. `['--maxmemory', '10mb']`. */
  readonly extraArgs?: readonly string[];
  /** Bound on start-up until PING answers, ms. @default 10000 */
  readonly readyTimeoutMs?: number;
  /** Bound on SIGTERM before SIGKILL, ms. @default 3000 */
  readonly stopTimeoutMs?: number;
  /** Where to look for `redis-server`. @default process.env.PATH */
  readonly searchPath?: string;
}

const REDIS_BINARY = 'redis-server';
/** Ports taken between `freePort` and the bind are retried this many times. */
const START_ATTEMPTS = 3;
/** Output kept per process, characters: enough for the error messages. */
const OUTPUT_LIMIT = 16_384;

/** Running children, killed if the test worker exits without stopping them. */
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

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

function exitOf(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise(resolve => child.once('exit', () => resolve()));
}

async function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>(resolve => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([exitOf(child).then(() => true as const), timedOut]);
  } finally {
    clearTimeout(timer);
  }
}

/** One PING over a fresh, non-retrying connection; resolves 'PONG' or rejects. */
async function ping(port: number): Promise<string> {
  const client = new Redis({
    host: LOOPBACK,
    port,
    lazyConnect: true,
    connectTimeout: 500,
    commandTimeout: 500,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  // Connection errors also reject connect(); this keeps them from being reported as unhandled.
  client.on('error', () => {});
  try {
    await client.connect();
    return await client.ping();
  } finally {
    client.disconnect();
  }
}

async function startOnce(
  binary: string,
  options: RedisServerOptions,
): Promise<RedisServer | { readonly portTaken: true }> {
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'taba-redis-'));
  const args = [
    '--port',
    String(port),
    '--bind',
    LOOPBACK,
    '--save',
    '',
    '--appendonly',
    'no',
    '--dir',
    dir,
    ...REDIS_SERVER_TUNING,
    ...(options.extraArgs ?? []),
  ];
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  let output = '';
  const keep = (chunk: Buffer) => {
    if (output.length < OUTPUT_LIMIT) output += chunk.toString('utf8');
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);

  const exited = new AbortController();
  child.once('exit', (code, signal) => {
    live.delete(child);
    exited.abort(
      new Error(`redis-server exited (code ${code}, signal ${signal}) before PING:\n${output}`),
    );
  });
  child.once('error', error => exited.abort(error));

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        if (!(await waitForExit(child, options.stopTimeoutMs ?? 3000))) {
          child.kill('SIGKILL');
          await waitForExit(child, 2000);
        }
      }
      await rm(dir, { recursive: true, force: true });
    })();
    return stopping;
  };

  try {
    await pollUntil(async () => ((await ping(port)) === 'PONG' ? true : undefined), {
      what: `redis-server PING on ${LOOPBACK}:${port}`,
      timeoutMs: options.readyTimeoutMs ?? 10_000,
      intervalMs: 25,
      signal: exited.signal,
    });
  } catch (error) {
    await stop();
    if (/address already in use/i.test(output)) return { portTaken: true };
    throw error;
  }
  return { port, url: `redis://${LOOPBACK}:${port}`, stop };
}

/**
 * Spawns a real `redis-server` on a free 127.0.0.1 port with no persistence and a fresh temp
 * dir, and resolves once it answers PING (polled; bounded by `readyTimeoutMs`).
 */
export async function startRedisServer(options: RedisServerOptions = {}): Promise<RedisServer> {
  const binary = findRedisServer(options.searchPath);
  for (let attempt = 1; attempt <= START_ATTEMPTS; attempt += 1) {
    const started = await startOnce(binary, options);
    if ('url' in started) return started;
  }
  throw new Error(
    `redis-server: every free port was taken before it bound (${START_ATTEMPTS} tries)`,
  );
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
