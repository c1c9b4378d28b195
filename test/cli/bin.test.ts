// The `taba` binary as a child process: stdout, stderr and exit codes as a shell sees them.
// (Each run costs about a CPU-second of node + tsx start-up, so the output contract itself is
// covered in-process by commands.test.ts; these check the binary prints the same.)
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/free-port.js';
import type { FakeGateway } from './fake-gateway.js';
import { startFakeGateway } from './fake-gateway.js';
import { runInProcess, runTaba } from './taba-cli.js';

let fake: FakeGateway;
beforeAll(async () => {
  fake = await startFakeGateway();
});
afterAll(() => fake.stop());

describe.concurrent('the taba binary', () => {
  it('prints a query result on stdout exactly as run() does, and exits 0', async () => {
    const args = ['agg', 'requests', 'latency', '--gateway', fake.address];
    const [child, inProcess] = await Promise.all([runTaba(args), runInProcess(args)]);
    expect(child.stderr).toBe('');
    expect(child).toEqual({ ...inProcess, signal: null });
    expect(JSON.parse(child.stdout)).toHaveProperty('requests.1m.count', 3);
  });

  it('exits 2 with one line on a usage error', async () => {
    const child = await runTaba(['agg', '--bogus']);
    expect(child).toEqual({
      code: 2,
      signal: null,
      stdout: '',
      stderr: "taba: unknown option '--bogus'\n",
    });
  });

  it('exits 1 with one UNAVAILABLE line when no gateway is running', async () => {
    const port = await freePort();
    const child = await runTaba(['status', '--gateway', `127.0.0.1:${port}`]);
    expect(child.code).toBe(1);
    expect(child.stdout).toBe('');
    expect(child.stderr).toMatch(
      new RegExp(
        `^taba: GetStatus to 127\\.0\\.0\\.1:${port} failed with UNAVAILABLE: [^\\n]+\\n$`,
      ),
    );
  });
});
