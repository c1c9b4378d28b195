// Runs the `taba` command: as a real child process through its launcher (bin/taba.mjs), or
// in this process through its `run` function, with output captured either way.
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { captureOutput } from '../support/child-output.js';
import { REPO_ROOT } from '../support/service-process.js';

/** The launcher the root package.json's `bin` points at. */
export const TABA_BIN = join(REPO_ROOT, 'libs', 'cli', 'bin', 'taba.mjs');

export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

interface CliIo {
  readonly out: (text: string) => void;
  readonly err: (text: string) => void;
  readonly env: NodeJS.ProcessEnv;
}

type Run = (argv: readonly string[], context: CliIo) => Promise<number>;

let loaded: Promise<Run> | undefined;

/**
 * The CLI's `run`, imported from its source at run time: the test project's tsconfig does
 * not reference libs/cli, and the output contract is the same as the binary's (main.ts
 * writes exactly what `run` hands it).
 */
function loadRun(): Promise<Run> {
  loaded ??= import(pathToFileURL(join(REPO_ROOT, 'libs', 'cli', 'src', 'program.ts')).href).then(
    (module: { run: Run }) => module.run,
  );
  return loaded;
}

/** `taba <args>` in this process; `env` replaces the environment the CLI sees. */
export async function runInProcess(
  args: readonly string[],
  env: NodeJS.ProcessEnv = {},
): Promise<CliResult> {
  const run = await loadRun();
  let stdout = '';
  let stderr = '';
  const code = await run(args, {
    out: text => {
      stdout += text;
    },
    err: text => {
      stderr += text;
    },
    env,
  });
  return { code, signal: null, stdout, stderr };
}

/** The test run's environment without TABA_* and NODE_OPTIONS, plus `extra`. */
export function cliEnv(extra: Readonly<Record<string, string>> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (!name.startsWith('TABA_') && name !== 'NODE_OPTIONS') env[name] = value;
  }
  // A system-chosen /metrics port per service: runs side by side never share the defaults.
  return { ...env, TABA_METRICS_ADDRESS: '127.0.0.1:0', ...extra };
}

/** A running `taba` child process. */
export interface TabaProcess {
  readonly child: ChildProcess;
  readonly pid: number;
  readonly exited: Promise<CliResult>;
  stdout(): string;
  stderr(): string;
  /** Resolves the first match of `pattern` in stdout; fails with the output after `timeoutMs`, or if the process exits first. */
  waitForStdout(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray>;
  /** The result, or a failure with the output (and a SIGKILL) after `timeoutMs`. */
  waitForExit(timeoutMs: number): Promise<CliResult>;
}

/** Running children, killed if the test worker exits without waiting for them. */
const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

export function spawnTaba(
  args: readonly string[],
  options: { readonly cwd?: string; readonly env?: NodeJS.ProcessEnv } = {},
): TabaProcess {
  const child = spawn(process.execPath, [TABA_BIN, ...args], {
    cwd: options.cwd ?? REPO_ROOT,
    env: options.env ?? cliEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  live.add(child);
  const { stdout, stderr } = captureOutput(child);
  const exited = new Promise<CliResult>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code, signal) => {
      live.delete(child);
      resolve({ code, signal, stdout: stdout(), stderr: stderr() });
    });
  });
  exited.catch(() => {});
  const output = () => `--- stdout ---\n${stdout()}--- stderr ---\n${stderr()}`;

  const waitForExit = async (timeoutMs: number): Promise<CliResult> => {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(
          new Error(`taba ${args.join(' ')} did not exit within ${timeoutMs} ms\n${output()}`),
        );
      }, timeoutMs);
    });
    try {
      return await Promise.race([exited, timeout]);
    } finally {
      clearTimeout(timer);
    }
  };

  return {
    child,
    pid: child.pid ?? -1,
    exited,
    stdout,
    stderr,
    waitForExit,
    async waitForStdout(pattern, timeoutMs) {
      const giveUpAt = Date.now() + timeoutMs;
      for (;;) {
        const match = stdout().match(pattern);
        if (match) return match;
        if (child.exitCode !== null || child.signalCode !== null) {
          throw new Error(`taba exited before printing ${pattern}\n${output()}`);
        }
        if (Date.now() > giveUpAt) {
          throw new Error(`no ${pattern} from taba within ${timeoutMs} ms\n${output()}`);
        }
        await new Promise(resolve => setTimeout(resolve, 50));
      }
    },
  };
}

/** `taba <args>` as a child process, to its end (bounded by `timeoutMs`). */
export function runTaba(
  args: readonly string[],
  options: {
    readonly cwd?: string;
    readonly env?: NodeJS.ProcessEnv;
    readonly timeoutMs?: number;
  } = {},
): Promise<CliResult> {
  return spawnTaba(args, options).waitForExit(options.timeoutMs ?? 15_000);
}

/** Whether a process with this pid exists (signal 0 probes without sending anything). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
