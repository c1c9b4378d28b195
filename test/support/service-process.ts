import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ChannelCredentials } from '@grpc/grpc-js';
import type { ServiceName } from '@taba/common';
import { clientChannelCredentials, loadClientTlsOptions } from '@taba/common';
import { freePort, LOOPBACK } from './free-port.js';
import { waitUntilServing } from './grpc-health.js';

/** The repository root: services run from here so `--import tsx` resolves. */
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));

/**
 * How a service runs from its TypeScript sources without a build: tsx compiles on the fly,
 * and the `@taba/source` condition makes `@taba/common` resolve to libs/common/src.
 * Node itself is the child (not the tsx CLI), so signals reach the service directly.
 */
export const SOURCE_NODE_ARGS = ['--conditions=@taba/source', '--import', 'tsx'] as const;

/** How a process ended: one of the two is set. */
export interface ExitResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

/** One pino line of a service's stdout: `level`, `time`, `msg`, `service`, ... */
export type LogLine = Readonly<Record<string, unknown>>;

function isLogLine(value: unknown): value is LogLine {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export interface ServiceProcessOptions {
  readonly service: ServiceName;
  /**
   * Variables on top of the harness's: TABA_GRPC_ADDRESS=127.0.0.1:<free port> always, so a
   * value here (e.g. an invalid one) overrides it. TABA_* and NODE_OPTIONS of the test run
   * itself are not passed on.
   */
  readonly env?: Readonly<Record<string, string>>;
  /** Listen on this port (e.g. to restart an instance at the address peers know). @default a free port */
  readonly port?: number;
}

export interface ServiceProcess {
  readonly service: ServiceName;
  readonly pid: number;
  /** The port given in TABA_GRPC_ADDRESS, and `127.0.0.1:<port>`. */
  readonly port: number;
  readonly address: string;
  /** How the harness dials it: TLS trusting its TABA_TLS_CA_FILE when it serves TLS, else undefined (plaintext). */
  readonly credentials: ChannelCredentials | undefined;
  /** Settles when the process has exited. */
  readonly exited: Promise<ExitResult>;
  stdout(): string;
  stderr(): string;
  /** Every stdout line that parses as a JSON object (pino), in order. */
  logLines(): LogLine[];
  /** Polls Health/Check until SERVING; fails at once, with the output, if the process exits. */
  waitUntilServing(timeoutMs?: number): Promise<void>;
  /** The exit result, or an error with the output if it takes longer than `timeoutMs`. */
  waitForExit(timeoutMs?: number): Promise<ExitResult>;
  /**
   * Sends `signal` and resolves how the process ended. If it has not ended within
   * `timeoutMs`, it is SIGKILLed and this rejects with its output.
   */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<ExitResult>;
}

/** Output kept per stream, characters. */
const OUTPUT_LIMIT = 1_000_000;

/** Running children, killed if the test worker exits without stopping them. */
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

/**
 * How the harness dials a service started with `env`: a service that serves TLS is dialled as
 * its peers dial it, trusting its TABA_TLS_CA_FILE with its TABA_TLS_CLIENT_CERT_FILE.
 */
function harnessCredentials(env: Readonly<Record<string, string>>): ChannelCredentials | undefined {
  if (env.TABA_TLS_CERT_FILE === undefined) return undefined;
  const tls = loadClientTlsOptions(env);
  if (!tls)
    throw new Error('a service serving TLS needs TABA_TLS_CA_FILE for the harness to dial it');
  return clientChannelCredentials(tls);
}

function childEnv(extra: Readonly<Record<string, string>>, port: number): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  // A test's services see only the TABA_* and OTEL_* variables it gives them.
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith('TABA_') && !name.startsWith('OTEL_') && name !== 'NODE_OPTIONS')
      env[name] = value;
  }
  return {
    ...env,
    TABA_GRPC_ADDRESS: `${LOOPBACK}:${port}`,
    // A system-chosen /metrics port (its 'metrics listening' log line tells which).
    TABA_METRICS_ADDRESS: `${LOOPBACK}:0`,
    ...extra,
  };
}

function parseLogLines(text: string): LogLine[] {
  const lines: LogLine[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('{')) continue;
    try {
      const value: unknown = JSON.parse(line);
      if (isLogLine(value)) lines.push(value);
    } catch {
      // Not JSON (e.g. a partial line); skip it.
    }
  }
  return lines;
}

/** Spawns `services/<service>/src/main.ts` as a child process; does not wait for it. */
export async function spawnServiceProcess(options: ServiceProcessOptions): Promise<ServiceProcess> {
  const { service } = options;
  const port = options.port ?? (await freePort());
  const address = `${LOOPBACK}:${port}`;
  const probeCredentials = harnessCredentials(options.env ?? {});
  const main = join(REPO_ROOT, 'services', service, 'src', 'main.ts');
  // Profiling and tuning runs: e.g. BENCH_NODE_ARGS='--cpu-prof --cpu-prof-dir=/tmp/prof'.
  const extraNodeArgs = process.env.BENCH_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
  const child = spawn(process.execPath, [...extraNodeArgs, ...SOURCE_NODE_ARGS, main], {
    cwd: REPO_ROOT,
    env: childEnv(options.env ?? {}, port),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);

  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    if (stdout.length < OUTPUT_LIMIT) stdout += chunk.toString('utf8');
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    if (stderr.length < OUTPUT_LIMIT) stderr += chunk.toString('utf8');
  });
  const output = () => `--- stdout ---\n${stdout}--- stderr ---\n${stderr}`;

  const exitedEarly = new AbortController();
  const exited = new Promise<ExitResult>((resolve, reject) => {
    child.once('error', error => {
      live.delete(child);
      exitedEarly.abort(error);
      reject(error);
    });
    // 'close', not 'exit': by then stdout and stderr are fully read.
    child.once('close', (code, signal) => {
      live.delete(child);
      exitedEarly.abort(
        new Error(`${service} exited (code ${code}, signal ${signal}) before SERVING\n${output()}`),
      );
      resolve({ code, signal });
    });
  });
  // Callers that never await `exited` must not see an unhandled rejection.
  exited.catch(() => {});

  const waitForExit = async (timeoutMs = 10_000): Promise<ExitResult> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`${service} did not exit within ${timeoutMs} ms\n${output()}`)),
        timeoutMs,
      );
    });
    try {
      return await Promise.race([exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  };

  return {
    service,
    pid: child.pid ?? -1,
    port,
    address,
    exited,
    stdout: () => stdout,
    stderr: () => stderr,
    logLines: () => parseLogLines(stdout),
    credentials: probeCredentials,
    waitUntilServing: timeoutMs =>
      waitUntilServing(address, {
        signal: exitedEarly.signal,
        timeoutMs: timeoutMs ?? 15_000,
        ...(probeCredentials && { credentials: probeCredentials }),
      }),
    waitForExit,
    async stop(signal = 'SIGTERM', timeoutMs = 10_000) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      try {
        return await waitForExit(timeoutMs);
      } catch (error) {
        child.kill('SIGKILL');
        await waitForExit(5000).catch(() => undefined);
        throw error;
      }
    },
  };
}

/** Spawns a service and waits until its health check says SERVING; kills it if it never does. */
export async function startServiceProcess(
  options: ServiceProcessOptions & { readonly readyTimeoutMs?: number },
): Promise<ServiceProcess> {
  const started = await spawnServiceProcess(options);
  try {
    await started.waitUntilServing(options.readyTimeoutMs);
  } catch (error) {
    await started.stop('SIGKILL', 5000).catch(() => undefined);
    throw error;
  }
  return started;
}

/** SIGKILLs every service process still running: a safety net for afterAll. */
export async function killAllServiceProcesses(): Promise<void> {
  const exits = [...live].map(child => {
    child.kill('SIGKILL');
    return new Promise<void>(resolve => child.once('close', () => resolve()));
  });
  await Promise.all(exits);
}
