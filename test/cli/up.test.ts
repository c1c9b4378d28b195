// `taba up` as a real child process: Redis and the four services start, report SERVING, answer
// `taba status`, and stop in order on SIGTERM with nothing left behind.
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { freePort } from '../support/free-port.js';
import { createHealthClient } from '../support/grpc-health.js';
import { cliEnv, isAlive, runTaba, spawnTaba } from './taba-cli.js';

/** `count` distinct ports that were free a moment ago. */
async function freePorts(count: number): Promise<number[]> {
  const ports = new Set<number>();
  while (ports.size < count) ports.add(await freePort());
  return [...ports];
}

/** The pids `taba up` printed as it started its children, by name. */
function startedPids(stdout: string): Map<string, number> {
  const pids = new Map<string, number>();
  for (const match of stdout.matchAll(/^taba: starting ([\w-]+) \(pid (\d+)\)/gm)) {
    pids.set(match[1] ?? '', Number(match[2]));
  }
  return pids;
}

function killLeftovers(pids: Iterable<number>): void {
  for (const pid of pids) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
}

async function withTempDir<T>(use: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'taba-up-'));
  try {
    return await use(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const SERVICES = ['gateway', 'ingest', 'aggregator', 'query'] as const;

describe.concurrent('taba up', () => {
  it('runs Redis and the four services until SIGTERM, then stops them in order and exits 0', async () => {
    await withTempDir(async dir => {
      const [grpc, rest, ingest, aggregator, query, redis] = await freePorts(6);
      const ports = { gateway: grpc, ingest, aggregator, query };
      const gateway = `127.0.0.1:${grpc}`;
      const up = spawnTaba(
        [
          'up',
          ...['--grpc', gateway, '--rest', `127.0.0.1:${rest}`],
          ...['--ingest', `127.0.0.1:${ingest}`, '--aggregator', `127.0.0.1:${aggregator}`],
          ...['--query', `127.0.0.1:${query}`, '--redis-port', String(redis)],
          ...['--data-dir', 'data'],
        ],
        { cwd: dir, env: cliEnv() },
      );
      let pids = new Map<string, number>();
      try {
        await up.waitForStdout(/^taba: ready: /m, 45_000);
        pids = startedPids(up.stdout());
        expect([...pids.keys()].sort()).toEqual([
          'aggregator',
          'gateway',
          'ingest',
          'query',
          'redis',
        ]);
        expect(up.stdout()).toContain(
          `taba: ready: gRPC ${gateway}, REST http://127.0.0.1:${rest}, dashboard http://127.0.0.1:${rest}/`,
        );
        // The gateway run from source serves the dashboard, bundled at start: no build step.
        const page = await fetch(`http://127.0.0.1:${rest}/`, {
          signal: AbortSignal.timeout(5000),
        });
        expect(page.status).toBe(200);
        const script = /src="(\/dashboard\/main-[A-Z0-9]{8}\.js)"/.exec(await page.text())?.[1];
        expect(script).toBeDefined();
        const bundle = await fetch(`http://127.0.0.1:${rest}${script}`, {
          signal: AbortSignal.timeout(5000),
        });
        expect(bundle.status).toBe(200);
        expect(bundle.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');

        for (const service of SERVICES) {
          const health = createHealthClient(`127.0.0.1:${ports[service]}`);
          try {
            expect(await health.check('')).toBe('SERVING');
          } finally {
            health.close();
          }
        }

        const status = await runTaba(['status', '--gateway', gateway]);
        expect(status.stderr).toBe('');
        expect(status.code).toBe(0);
        // Today the gateway reports itself; once it reports the members it sees, more follow.
        const instances = JSON.parse(status.stdout) as Array<{ service: string; address: string }>;
        expect(instances).toEqual(
          expect.arrayContaining([
            expect.objectContaining({ service: 'gateway', address: gateway }),
          ]),
        );

        up.child.kill('SIGTERM');
        const exit = await up.waitForExit(30_000);
        expect(exit.stderr).not.toMatch(/exited early/);
        expect({ code: exit.code, signal: exit.signal }).toEqual({ code: 0, signal: null });

        const stopOrder = [...exit.stdout.matchAll(/^taba: stopping (\w+) \(pid \d+\)$/gm)].map(
          match => match[1],
        );
        expect(stopOrder).toEqual(['gateway', 'ingest', 'query', 'aggregator', 'redis']);
        expect(exit.stdout.trimEnd().split('\n').at(-1)).toBe('taba: stopped');
        for (const [name, pid] of pids) expect(isAlive(pid), `${name} (pid ${pid})`).toBe(false);
        expect(existsSync(join(dir, 'data', 'redis', 'appendonlydir'))).toBe(true);
      } finally {
        up.child.kill('SIGKILL');
        killLeftovers(startedPids(up.stdout()).values());
      }
    });
  });

  it('exits 1 with one line when redis-server is not on PATH', async () => {
    await withTempDir(async dir => {
      const result = await runTaba(['up', '--data-dir', dir], { env: cliEnv({ PATH: dir }) });
      expect(result).toEqual({
        code: 1,
        signal: null,
        stdout: '',
        stderr:
          'taba: redis-server not found on PATH: install it with `apt-get install redis-server`\n',
      });
    });
  });

  it('stops and exits 1, with the last output lines, when a child exits early', async () => {
    // Redis cannot bind a port this test holds: the cheapest child to fail (every child's exit
    // is watched the same way; a service failing stops the rest just so).
    const [grpc, rest, ingest, aggregator, query] = await freePorts(5);
    const holder = createServer();
    await new Promise<void>(resolve => holder.listen({ host: '127.0.0.1', port: 0 }, resolve));
    const address = holder.address();
    const redisPort = typeof address === 'object' && address ? address.port : 0;
    await withTempDir(async dir => {
      const up = spawnTaba(
        [
          'up',
          ...['--grpc', `127.0.0.1:${grpc}`, '--rest', `127.0.0.1:${rest}`],
          ...['--ingest', `127.0.0.1:${ingest}`, '--aggregator', `127.0.0.1:${aggregator}`],
          ...['--query', `127.0.0.1:${query}`, '--redis-port', String(redisPort)],
          ...['--data-dir', dir],
        ],
        { env: cliEnv() },
      );
      try {
        const exit = await up.waitForExit(30_000);
        expect({ code: exit.code, signal: exit.signal }).toEqual({ code: 1, signal: null });
        expect(exit.stderr).toMatch(/^taba: redis \(pid \d+\) exited early with code 1$/m);
        expect(exit.stderr).toMatch(/^taba: last output of redis:$/m);
        expect(exit.stderr).toMatch(/^ {2}.*Address already in use/m);
        const pids = startedPids(exit.stdout);
        expect([...pids.keys()]).toEqual(['redis']);
        expect(isAlive(pids.get('redis') ?? -1)).toBe(false);
        expect(exit.stdout.trimEnd().split('\n').at(-1)).toBe('taba: stopped');
      } finally {
        up.child.kill('SIGKILL');
        killLeftovers(startedPids(up.stdout()).values());
        holder.close();
      }
    });
  });
});
