import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { freePort, LOOPBACK } from './free-port.js';
import { pollUntil } from './poll.js';
import type { ProbeAccess } from './redis-probe.js';
import { withProbeConnection } from './redis-probe.js';

/** A redis-server child process (a data node or a Sentinel) that has answered PING. */
export interface RedisProcess {
  readonly port: number;
  /**
   * Sends `signal` (SIGTERM by default) and waits, bounded, for the exit; SIGKILL if that was
   * not enough. Resolves at once when the process has already exited.
   */
  stop(signal?: NodeJS.Signals): Promise<void>;
}

export interface RedisProcessOptions {
  /** Bound on start-up until PING answers, ms. @default 10000 */
  readonly readyTimeoutMs?: number;
  /** Bound on `stop`'s signal before SIGKILL, ms. @default 3000 */
  readonly stopTimeoutMs?: number;
  /** How the PING of the start-up check logs in (a password, TLS). @default plaintext */
  readonly probe?: ProbeAccess;
}

/** Ports taken between `freePort` and the bind are retried this many times. */
const START_ATTEMPTS = 3;
/** Output kept per process, characters: enough for the error messages. */
const OUTPUT_LIMIT = 16_384;
/** Bound on the wait after SIGKILL, ms. */
const KILL_TIMEOUT_MS = 2000;

/** Running children, killed if the test worker exits without stopping them. */
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

function hasExited(child: ChildProcess): boolean {
  return child.exitCode !== null || child.signalCode !== null;
}

/** Whether the child exited within `timeoutMs`. */
async function waitForExit(child: ChildProcess, timeoutMs: number): Promise<boolean> {
  if (hasExited(child)) return true;
  let timer: NodeJS.Timeout | undefined;
  try {
    return await new Promise<boolean>(resolve => {
      child.once('exit', () => resolve(true));
      timer = setTimeout(() => resolve(false), timeoutMs);
    });
  } finally {
    clearTimeout(timer);
  }
}

/**
 * The arguments every test data node starts with: 127.0.0.1:`port`, files in `dir`, no RDB
 * snapshots, and an append-only file only when asked for.
 */
export function loopbackDataNodeArgs(port: number, dir: string, appendOnly: boolean): string[] {
  const directives = {
    port: String(port),
    bind: LOOPBACK,
    dir,
    save: '',
    appendonly: appendOnly ? 'yes' : 'no',
  };
  // Any config directive can be given on the command line as `--name value`.
  return Object.entries(directives).flatMap(([name, value]) => [`--${name}`, value]);
}

/**
 * Spawns `binary` (redis-server) with `args` and resolves once it answers PING on `port`;
 * undefined when the port was taken before it bound (the caller picks another), an error
 * with its output for any other failure. `what` names the process in messages.
 */
export async function spawnRedisProcess(
  binary: string,
  args: readonly string[],
  port: number,
  what: string,
  options: RedisProcessOptions = {},
): Promise<RedisProcess | undefined> {
  const child = spawn(binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  let output = '';
  const keep = (chunk: Buffer) => {
    if (output.length < OUTPUT_LIMIT) output += chunk.toString('utf8');
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  // Ends the wait for PING at once, with the output, when the process dies first.
  const exited = new AbortController();
  child.once('exit', (code, signal) => {
    live.delete(child);
    exited.abort(
      new Error(`${what} exited (code ${code}, signal ${signal}) before PING:\n${output}`),
    );
  });
  child.once('error', error => exited.abort(error));

  const started: RedisProcess = {
    port,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (hasExited(child)) return;
      child.kill(signal);
      if (!(await waitForExit(child, options.stopTimeoutMs ?? 3000))) {
        child.kill('SIGKILL');
        await waitForExit(child, KILL_TIMEOUT_MS);
      }
    },
  };
  try {
    await pollUntil(
      async () =>
        (await withProbeConnection(port, client => client.ping(), options.probe)) === 'PONG'
          ? true
          : undefined,
      {
        what: `${what} PING on ${LOOPBACK}:${port}`,
        timeoutMs: options.readyTimeoutMs ?? 10_000,
        intervalMs: 25,
        signal: exited.signal,
      },
    );
  } catch (error) {
    // It never answered: nothing in it is worth a graceful shutdown.
    await started.stop('SIGKILL');
    if (/address already in use/i.test(output)) return undefined;
    throw error;
  }
  return started;
}

/**
 * Calls `start` with a free port until it starts (`start` answers undefined when the port was
 * taken before the bind), at most START_ATTEMPTS times. `what` names it in the error.
 */
export async function startOnFreePort<T>(
  what: string,
  start: (port: number) => Promise<T | undefined>,
): Promise<T> {
  for (let attempt = 1; attempt <= START_ATTEMPTS; attempt += 1) {
    const started = await start(await freePort());
    if (started !== undefined) return started;
  }
  throw new Error(`${what}: every free port was taken before it bound (${START_ATTEMPTS} tries)`);
}
