// The Consul stand-in as a child process (consul-stand-in-main.ts) that a test can take down
// and bring back on the same port, keeping its state or not, or kill outright.
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { LOOPBACK } from './free-port.js';
import { pollUntil } from './poll.js';
import { REPO_ROOT } from './service-process.js';

export interface ConsulStandInProcessOptions {
  /** @default 0: a free port, kept for the whole life of the handle */
  readonly port?: number;
  /** See ConsulStandInOptions.deregisterCriticalMinimumMs. */
  readonly deregisterCriticalMinimumMs?: number;
  /** See ConsulStandInOptions.reapIntervalMs. */
  readonly reapIntervalMs?: number;
  /** Bound on starting, stopping and answering a command, ms. @default 15000 */
  readonly timeoutMs?: number;
}

export interface ConsulStandInProcess {
  /** The port it listens on, the same across `stop`/`start` and `kill`/`start`. */
  readonly port: number;
  /** `http://127.0.0.1:<port>`, for TABA_CONSUL_URL. */
  readonly url: string;
  /** Whether it accepts requests now. */
  isListening(): boolean;
  /**
   * Stops listening like a killed agent, keeping its state (registrations, checks, index):
   * held blocking queries end with a reset, requests are refused until `start`.
   */
  stop(): Promise<void>;
  /**
   * Listens again on the same port. After `stop`, with the state kept (TTLs restart from a full
   * TTL) unless `keepState: false`; after `kill`, a new process that knows nothing.
   */
  start(options?: { readonly keepState?: boolean }): Promise<void>;
  /** SIGKILLs the process: everything it knew is lost. `start` brings up a new one. */
  kill(): Promise<void>;
  /** Ends it for good (SIGTERM, SIGKILL after the timeout). Idempotent. */
  close(): Promise<void>;
  /** What it printed, for failure messages. */
  output(): string;
}

/** Children still running, killed if the test worker exits without closing them. */
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

interface Child {
  readonly process: ChildProcess;
  readonly lines: unknown[];
  readonly exited: Promise<void>;
}

/** Starts the stand-in in a child process and resolves once it listens. */
export async function startConsulStandInProcess(
  options: ConsulStandInProcessOptions = {},
): Promise<ConsulStandInProcess> {
  const timeoutMs = options.timeoutMs ?? 15_000;
  let output = '';
  let child: Child | undefined;
  let listening = false;
  let closed = false;

  const spawnChild = (port: number): Child => {
    const args = [
      '--import',
      'tsx',
      join(REPO_ROOT, 'test/support/consul-stand-in-main.ts'),
      '--port',
      String(port),
    ];
    if (options.deregisterCriticalMinimumMs !== undefined) {
      args.push('--deregister-critical-minimum-ms', String(options.deregisterCriticalMinimumMs));
    }
    if (options.reapIntervalMs !== undefined) {
      args.push('--reap-interval-ms', String(options.reapIntervalMs));
    }
    // stdin stays open: it carries the stop/start commands.
    const spawned = spawn(process.execPath, args, {
      cwd: REPO_ROOT,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    live.add(spawned);
    const lines: unknown[] = [];
    let partial = '';
    spawned.stdout?.on('data', (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      output += text;
      partial += text;
      const complete = partial.split('\n');
      partial = complete.pop() ?? '';
      for (const line of complete) {
        try {
          lines.push(JSON.parse(line));
        } catch {
          // Not a protocol line.
        }
      }
    });
    spawned.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
    });
    // Writing to a child that just died must not crash the test worker.
    spawned.stdin?.on('error', () => {});
    const exited = new Promise<void>(resolve => {
      spawned.once('close', () => {
        live.delete(spawned);
        listening = false;
        resolve();
      });
    });
    return { process: spawned, lines, exited };
  };

  /** Waits for the next protocol line of `current` that `match` accepts. */
  const nextLine = async <T>(
    current: Child,
    from: number,
    match: (line: Record<string, unknown>) => T | undefined,
    what: string,
  ): Promise<T> => {
    let exited = false;
    void current.exited.then(() => {
      exited = true;
    });
    return pollUntil(
      () => {
        for (const line of current.lines.slice(from)) {
          if (typeof line === 'object' && line !== null) {
            const found = match(line as Record<string, unknown>);
            if (found !== undefined) return found;
            if ('error' in line) throw new Error(`stand-in: ${String(line.error)}`);
          }
        }
        if (exited) throw new Error(`the stand-in exited while waiting for ${what}\n${output}`);
        return undefined;
      },
      { what: `${what}\n${output}`, timeoutMs, intervalMs: 10 },
    );
  };

  const launch = async (port: number): Promise<number> => {
    const started = spawnChild(port);
    child = started;
    try {
      const bound = await nextLine(
        started,
        0,
        line => (typeof line.port === 'number' ? line.port : undefined),
        'the stand-in to listen',
      );
      listening = true;
      return bound;
    } catch (error) {
      started.process.kill('SIGKILL');
      await started.exited;
      throw error;
    }
  };

  const command = async (text: string, key: 'stopped' | 'listening'): Promise<void> => {
    const current = child;
    if (!current) throw new Error('the stand-in is not running');
    const from = current.lines.length;
    current.process.stdin?.write(`${text}\n`);
    await nextLine(current, from, line => (key in line ? true : undefined), `"${text}"`);
  };

  const port = await launch(options.port ?? 0);
  const handle: ConsulStandInProcess = {
    port,
    url: `http://${LOOPBACK}:${port}`,
    isListening: () => listening,
    async stop() {
      if (!listening) return;
      await command('stop', 'stopped');
      listening = false;
    },
    async start(startOptions = {}) {
      if (closed) throw new Error('the stand-in was closed');
      if (listening) return;
      if (child && child.process.exitCode === null && child.process.signalCode === null) {
        await command(startOptions.keepState === false ? 'start fresh' : 'start', 'listening');
        listening = true;
        return;
      }
      await launch(port);
    },
    async kill() {
      const current = child;
      child = undefined;
      listening = false;
      if (!current) return;
      current.process.kill('SIGKILL');
      await current.exited;
    },
    async close() {
      if (closed) return;
      closed = true;
      const current = child;
      child = undefined;
      listening = false;
      if (!current || current.process.exitCode !== null || current.process.signalCode !== null) {
        return;
      }
      current.process.kill('SIGTERM');
      const timer = setTimeout(() => current.process.kill('SIGKILL'), timeoutMs);
      try {
        await current.exited;
      } finally {
        clearTimeout(timer);
      }
    },
    output: () => output,
  };
  return handle;
}
