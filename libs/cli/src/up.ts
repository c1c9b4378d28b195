// `taba up`: Redis and the four services on this machine as child processes, until Ctrl-C.
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync } from 'node:fs';
import { delimiter, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { ServiceName } from '@taba/common';
import { REDIS_SERVER_TUNING } from '@taba/common';
import type { Io } from './commands.js';
import { CliError, FAILURE_EXIT_CODE, FailureError } from './errors.js';
import { HealthProbe, pollUntil, redisPing } from './probes.js';

export interface UpOptions {
  /** The gateway's gRPC address (the public API). */
  readonly grpc: string;
  /** The gateway's REST/JSON address. */
  readonly rest: string;
  readonly ingest: string;
  readonly aggregator: string;
  readonly query: string;
  /** Port of the local redis-server (ignored with TABA_REDIS_SHARDS). */
  readonly redisPort: number;
  /** Redis data goes to `<dataDir>/redis`. */
  readonly dataDir: string;
  /** Bound on Redis PING and on each service reporting SERVING, ms. */
  readonly readyTimeout: number;
}

export const DEFAULT_REDIS_PORT = 8399;
export const DEFAULT_DATA_DIR = '.taba';
export const DEFAULT_READY_TIMEOUT_MS = 30_000;
/** How long a child gets after SIGTERM before SIGKILL, ms (services drain for 5 s by default). */
const STOP_TIMEOUT_MS = 15_000;
/** A second signal within this many ms of the first is the same Ctrl-C delivered twice. */
const REPEAT_SIGNAL_GRACE_MS = 1000;
/** Output lines kept per child, for the report when it exits early. */
const KEPT_LINES = 20;
const LOOPBACK = '127.0.0.1';

/** Starting order; they stop in the reverse order: gateway first, aggregator last. */
const SERVICES: readonly ServiceName[] = ['aggregator', 'query', 'ingest', 'gateway'];

/** The repository root, which holds services/<name>/src/main.ts. */
const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Node flags that run a service from its TypeScript sources (tsx resolved from here). */
function sourceNodeArgs(): string[] {
  return ['--conditions=@taba/source', '--import', import.meta.resolve('tsx')];
}

/** The absolute path of `binary` on `searchPath`, or undefined. */
export function findOnPath(binary: string, searchPath: string): string | undefined {
  for (const dir of searchPath.split(delimiter)) {
    if (dir === '') continue;
    const candidate = join(dir, binary);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not here; try the next directory.
    }
  }
  return undefined;
}

interface ExitInfo {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

function describeExit(exit: ExitInfo): string {
  return exit.signal ? `signal ${exit.signal}` : `code ${exit.code}`;
}

/** A child process whose output is relayed line by line with a `name | ` prefix. */
class Child {
  readonly exited: Promise<ExitInfo>;
  readonly lastLines: string[] = [];
  private exit: ExitInfo | undefined;

  constructor(
    readonly name: string,
    readonly proc: ChildProcess,
    io: Io,
  ) {
    const prefix = `${name.padEnd(10)} | `;
    const relay = (stream: NodeJS.ReadableStream | null, write: (text: string) => void) => {
      if (!stream) return;
      createInterface({ input: stream, crlfDelay: Number.POSITIVE_INFINITY }).on('line', line => {
        this.lastLines.push(line);
        if (this.lastLines.length > KEPT_LINES) this.lastLines.shift();
        write(`${prefix}${line}\n`);
      });
    };
    relay(proc.stdout, io.out);
    relay(proc.stderr, io.err);
    this.exited = new Promise(resolveExit => {
      // 'close', not 'exit': by then every output line was relayed.
      proc.once('close', (code, signal) => {
        this.exit = { code, signal };
        resolveExit(this.exit);
      });
      proc.once('error', error => {
        this.lastLines.push(error.message);
        this.exit = { code: FAILURE_EXIT_CODE, signal: null };
        resolveExit(this.exit);
      });
    });
  }

  get pid(): number {
    return this.proc.pid ?? -1;
  }

  get running(): boolean {
    return this.exit === undefined && this.proc.exitCode === null && this.proc.signalCode === null;
  }

  /** SIGTERM, then SIGKILL if it is still running after `timeoutMs`. */
  async stop(timeoutMs: number): Promise<void> {
    if (!this.running) return;
    this.proc.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>(resolveTimeout => {
      timer = setTimeout(() => resolveTimeout('timeout'), timeoutMs);
    });
    const outcome = await Promise.race([this.exited, timedOut]);
    clearTimeout(timer);
    if (outcome === 'timeout') {
      this.proc.kill('SIGKILL');
      await this.exited;
    }
  }
}

/** Why `taba up` stops: a signal (exit 0), a child that exited (1), or a start failure (1). */
type StopCause =
  | { readonly kind: 'signal'; readonly signal: NodeJS.Signals }
  | { readonly kind: 'exit'; readonly child: Child; readonly exit: ExitInfo }
  | { readonly kind: 'error'; readonly error: unknown };

class StopRequest extends Error {
  constructor(readonly stopCause: StopCause) {
    super('stop requested');
  }
}

/**
 * Runs the stack until a signal or a child's exit. Resolves the exit code: 0 after a signal
 * (everything stopped in order), 1 when a child exited early or the stack could not start.
 */
export async function upCommand(
  options: UpOptions,
  io: Io,
  env: NodeJS.ProcessEnv,
): Promise<number> {
  const children: Child[] = [];
  const stop = new AbortController();
  let stopping = false;
  let killed = false;
  const requestStop = (cause: StopCause) => {
    if (!stop.signal.aborted) stop.abort(new StopRequest(cause));
  };

  const killAll = () => {
    for (const child of children) if (child.running) child.proc.kill('SIGKILL');
  };
  let firstSignalAt = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping || stop.signal.aborted) {
      // The same Ctrl-C can arrive twice: from the terminal and forwarded by a parent such
      // as `npm start`. Only a signal well after the first one means "hurry".
      if (performance.now() - firstSignalAt < REPEAT_SIGNAL_GRACE_MS) return;
      // A second Ctrl-C: no more waiting.
      io.err(`taba: ${signal} again; killing everything\n`);
      killed = true;
      killAll();
      return;
    }
    firstSignalAt = performance.now();
    requestStop({ kind: 'signal', signal });
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const signal of signals) process.on(signal, onSignal);
  // Children run in their own process groups (so Ctrl-C reaches only us and we can stop them
  // in order); if we exit any other way, take them down with us.
  process.on('exit', killAll);

  const startChild = (
    name: string,
    command: string,
    args: readonly string[],
    childEnv: NodeJS.ProcessEnv,
  ) => {
    const child = new Child(
      name,
      spawn(command, args, {
        cwd: REPO_ROOT,
        env: childEnv,
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
      io,
    );
    children.push(child);
    void child.exited.then(exit => {
      if (!stopping) requestStop({ kind: 'exit', child, exit });
    });
    return child;
  };

  let exitCode = 0;
  try {
    const redisShards = await startRedis(options, io, env, startChild, stop.signal);
    const mains = SERVICES.map(service => join(REPO_ROOT, 'services', service, 'src', 'main.ts'));
    const missing = mains.find(main => !existsSync(main));
    if (missing) throw new FailureError(`cannot find ${missing}: run taba from its repository`);

    const addresses: Record<ServiceName, string> = {
      gateway: options.grpc,
      ingest: options.ingest,
      aggregator: options.aggregator,
      query: options.query,
    };
    const started = SERVICES.map((service, index) => {
      const childEnv: NodeJS.ProcessEnv = {
        ...env,
        TABA_GRPC_ADDRESS: addresses[service],
        TABA_REDIS_SHARDS: redisShards,
        TABA_INGEST_ADDRESSES: options.ingest,
        TABA_AGGREGATOR_ADDRESSES: options.aggregator,
        TABA_QUERY_ADDRESSES: options.query,
        ...(service === 'gateway' ? { TABA_REST_ADDRESS: options.rest } : {}),
      };
      const main = mains[index] ?? '';
      const child = startChild(service, process.execPath, [...sourceNodeArgs(), main], childEnv);
      io.out(`taba: starting ${service} (pid ${child.pid}) on ${addresses[service]}\n`);
      return child;
    });
    await Promise.all(
      started.map(async (child, index) => {
        const service = SERVICES[index] ?? 'gateway';
        await waitUntilServing(child, addresses[service], options.readyTimeout, stop.signal);
        io.out(`taba: ${service} is SERVING on ${addresses[service]}\n`);
      }),
    );
    io.out(
      `taba: ready: gRPC ${options.grpc}, REST http://${options.rest}, dashboard http://${options.rest}/; Ctrl-C stops everything\n`,
    );
    await new Promise<never>((_, reject) => {
      stop.signal.throwIfAborted();
      stop.signal.addEventListener('abort', () => reject(stop.signal.reason), { once: true });
    });
  } catch (error) {
    const cause: StopCause =
      error instanceof StopRequest ? error.stopCause : { kind: 'error', error };
    // Ends the other waits (health polls) at once.
    requestStop(cause);
    exitCode = reportCause(cause, io);
  } finally {
    stopping = true;
    // Gateway first (no new work comes in), then ingest, query and the aggregator last; Redis
    // after every service is gone.
    for (const child of [...children].reverse()) {
      if (child.running) io.out(`taba: stopping ${child.name} (pid ${child.pid})\n`);
      await child.stop(STOP_TIMEOUT_MS);
    }
    for (const signal of signals) process.off(signal, onSignal);
    process.off('exit', killAll);
  }
  if (children.length > 0) io.out(killed ? 'taba: killed\n' : 'taba: stopped\n');
  return killed ? FAILURE_EXIT_CODE : exitCode;
}

/** Prints why the stack stops; returns the exit code. */
function reportCause(cause: StopCause, io: Io): number {
  if (cause.kind === 'signal') {
    io.out(`taba: ${cause.signal}: stopping\n`);
    return 0;
  }
  if (cause.kind === 'exit') {
    const { child, exit } = cause;
    const lines = child.lastLines.map(line => `  ${line}\n`).join('');
    io.err(`taba: ${child.name} (pid ${child.pid}) exited early with ${describeExit(exit)}\n`);
    if (lines) io.err(`taba: last output of ${child.name}:\n${lines}`);
    return FAILURE_EXIT_CODE;
  }
  const { error } = cause;
  const message = error instanceof Error ? error.message : String(error);
  io.err(`taba: ${message}\n`);
  return error instanceof CliError ? error.exitCode : FAILURE_EXIT_CODE;
}

type StartChild = (
  name: string,
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv,
) => Child;

/**
 * Starts redis-server unless TABA_REDIS_SHARDS names Redis already; resolves the shards the
 * services get.
 */
async function startRedis(
  options: UpOptions,
  io: Io,
  env: NodeJS.ProcessEnv,
  startChild: StartChild,
  signal: AbortSignal,
): Promise<string> {
  const external = env.TABA_REDIS_SHARDS?.trim();
  if (external) {
    io.out(`taba: using Redis from TABA_REDIS_SHARDS: ${external}\n`);
    return external;
  }
  const binary = findOnPath('redis-server', env.PATH ?? '');
  if (binary === undefined) {
    throw new FailureError(
      'redis-server not found on PATH: install it with `apt-get install redis-server`',
    );
  }
  const dir = resolve(options.dataDir, 'redis');
  mkdirSync(dir, { recursive: true });
  const port = options.redisPort;
  const redis = startChild(
    'redis',
    binary,
    [
      '--port',
      String(port),
      '--bind',
      LOOPBACK,
      '--dir',
      dir,
      '--appendonly',
      'yes',
      '--daemonize',
      'no',
      ...REDIS_SERVER_TUNING,
    ],
    env,
  );
  io.out(`taba: starting redis (pid ${redis.pid}) on ${LOOPBACK}:${port}, data in ${dir}\n`);
  await pollUntil(
    `redis-server did not answer PING on ${LOOPBACK}:${port}`,
    () => redisPing(LOOPBACK, port, 1000),
    {
      timeoutMs: options.readyTimeout,
      intervalMs: 50,
      signal,
    },
  );
  io.out(`taba: redis answers PING on ${LOOPBACK}:${port}\n`);
  return `redis://${LOOPBACK}:${port}`;
}

async function waitUntilServing(
  child: Child,
  address: string,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<void> {
  const probe = new HealthProbe(address);
  try {
    await pollUntil(
      `${child.name} did not report SERVING on ${address}`,
      async () => (await probe.status(1000)) === 'SERVING',
      { timeoutMs, intervalMs: 100, signal },
    );
  } finally {
    probe.close();
  }
}
