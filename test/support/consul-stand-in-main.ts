import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import type { ConsulStandIn } from './consul-stand-in.js';
import { startConsulStandIn } from './consul-stand-in.js';

/**
 * The Consul stand-in as a process of its own, for tests that need Consul outside their own
 * process:
 *
 *   node --import tsx test/support/consul-stand-in-main.ts --port 0 \
 *     [--deregister-critical-minimum-ms N] [--reap-interval-ms N]
 *
 * Prints one line, `{"port":N}`, once it listens on 127.0.0.1:N; exits 0 on SIGTERM or SIGINT.
 *
 * A parent that keeps stdin open can take it down and up again without losing the port, one
 * command a line, each answered with one line:
 *
 * - `stop`: like a killed agent, state kept (`ConsulStandIn.stop`) → `{"stopped":true}`
 * - `start`: listens again on the same port, state kept → `{"listening":N}`
 * - `start fresh`: the same, from nothing (an agent without its data dir) → `{"listening":N}`
 *
 * An unknown command or a failure answers `{"error":"…"}`.
 */

function integerOption(values: Record<string, unknown>, name: string): number | undefined {
  const text = values[name];
  if (text === undefined) return undefined;
  const value = Number(text);
  if (typeof text !== 'string' || !/^\d+$/.test(text) || !Number.isSafeInteger(value)) {
    throw new Error(`--${name} must be a whole number, got "${String(text)}"`);
  }
  return value;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '0' },
      'deregister-critical-minimum-ms': { type: 'string' },
      'reap-interval-ms': { type: 'string' },
    },
  });
  const deregisterCriticalMinimumMs = integerOption(values, 'deregister-critical-minimum-ms');
  const reapIntervalMs = integerOption(values, 'reap-interval-ms');
  const standIn = await startConsulStandIn({
    port: integerOption(values, 'port') ?? 0,
    ...(deregisterCriticalMinimumMs === undefined ? {} : { deregisterCriticalMinimumMs }),
    ...(reapIntervalMs === undefined ? {} : { reapIntervalMs }),
  });
  const stop = () => {
    standIn.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  process.stdout.write(`${JSON.stringify({ port: standIn.port })}\n`);
  followCommands(standIn);
}

/** Runs the stdin commands one after another (see above). */
function followCommands(standIn: ConsulStandIn): void {
  const answer = (value: unknown): void => {
    process.stdout.write(`${JSON.stringify(value)}\n`);
  };
  const run = async (command: string): Promise<void> => {
    if (command === 'stop') {
      await standIn.stop();
      answer({ stopped: true });
    } else if (command === 'start' || command === 'start fresh') {
      await standIn.start({ keepState: command === 'start' });
      answer({ listening: standIn.port });
    } else {
      answer({ error: `unknown command "${command}"` });
    }
  };
  let queue = Promise.resolve();
  const lines = createInterface({ input: process.stdin });
  lines.on('line', line => {
    const command = line.trim();
    if (command === '') return;
    queue = queue.then(() =>
      run(command).catch((error: unknown) =>
        answer({ error: error instanceof Error ? error.message : String(error) }),
      ),
    );
  });
}

main().catch((error: unknown) => {
  process.stderr.write(
    `consul stand-in: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
