// ConsulDiscovery against the Consul stand-in: joins, leaves, kills, outages and shutdown.
import type { ChildProcess } from 'node:child_process';
import { spawn } from 'node:child_process';
import type { Socket } from 'node:net';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import type { ServiceInstance, ServiceName } from '@taba/common';
import { CONSUL_DISCOVERY_DEFAULTS, ConsulDiscovery } from '@taba/common';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { captureOutput } from '../support/child-output.js';
import type { ConsulStandIn } from '../support/consul-stand-in.js';
import { startConsulStandIn } from '../support/consul-stand-in.js';
import { LOOPBACK } from '../support/free-port.js';
import { pollUntil } from '../support/poll.js';
import { REPO_ROOT, SOURCE_NODE_ARGS } from '../support/service-process.js';

/** Every membership change with the defaults must reach watchers within this. */
const CHANGE_BOUND_MS = 2000;

type LogLine = Readonly<Record<string, unknown>>;

/** A pino logger whose lines land in an array. */
function recordingLogger() {
  const lines: LogLine[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString('utf8')) as LogLine);
      done();
    },
  });
  return { logger: pino({ level: 'info' }, stream), lines };
}

/** Every list a listener was given, with when (performance.now()). */
function recordWatch(discovery: ConsulDiscovery, service: ServiceName) {
  const seen: { readonly ids: string[]; readonly at: number }[] = [];
  const stop = discovery.watch(service, list => {
    seen.push({ ids: list.map(instance => instance.id), at: performance.now() });
  });
  return { seen, stop, ids: () => seen.map(entry => entry.ids) };
}

/** Waits until `read()` equals `expected` (deep), within `timeoutMs`; returns how long it took. */
async function timeUntil<T>(read: () => T, expected: T, timeoutMs: number, what: string) {
  const started = performance.now();
  await pollUntil(() => (JSON.stringify(read()) === JSON.stringify(expected) ? true : undefined), {
    what: `${what} (last: ${JSON.stringify(read())})`,
    timeoutMs,
    intervalMs: 10,
  });
  return performance.now() - started;
}

function ids(list: readonly ServiceInstance[]): string[] {
  return list.map(instance => instance.id);
}

async function agentServices(standIn: ConsulStandIn): Promise<Record<string, unknown>> {
  const response = await fetch(`${standIn.url}/v1/agent/services`, {
    signal: AbortSignal.timeout(5000),
  });
  return (await response.json()) as Record<string, unknown>;
}

async function agentCheck(standIn: ConsulStandIn, checkId: string) {
  const response = await fetch(`${standIn.url}/v1/agent/checks`, {
    signal: AbortSignal.timeout(5000),
  });
  const checks = (await response.json()) as Record<string, { Status: string; Output: string }>;
  return checks[checkId];
}

describe('ConsulDiscovery', () => {
  let standIn: ConsulStandIn;
  const open: ConsulDiscovery[] = [];
  const discovery = (options: ConstructorParameters<typeof ConsulDiscovery>[0] = {}) => {
    const created = new ConsulDiscovery({ url: standIn.url, ...options });
    open.push(created);
    return created;
  };

  beforeAll(async () => {
    standIn = await startConsulStandIn();
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map(each => each.close()));
  });
  afterAll(async () => {
    await standIn.stop();
  });

  it('sees a join and a graceful leave within 2 s, with exact lists', async () => {
    const a = discovery();
    const b = discovery();
    const atA = recordWatch(a, 'ingest');
    const atB = recordWatch(b, 'ingest');
    expect(atB.ids()).toEqual([[]]); // called at once, before Consul has answered

    const joined = performance.now();
    await a.register({ service: 'ingest', id: 'ingest-a', address: '127.0.0.1:7001' });
    const seenJoin = await timeUntil(() => ids(b.instances('ingest')), ['ingest-a'], 5000, 'join');
    expect(performance.now() - joined).toBeLessThan(CHANGE_BOUND_MS);
    expect(seenJoin).toBeLessThan(CHANGE_BOUND_MS);

    await b.register({ service: 'ingest', id: 'ingest-b', address: '127.0.0.1:7002' });
    await timeUntil(
      () => ids(a.instances('ingest')),
      ['ingest-a', 'ingest-b'],
      5000,
      'second join',
    );
    expect(b.instances('ingest')).toEqual([
      { id: 'ingest-a', address: '127.0.0.1:7001' },
      { id: 'ingest-b', address: '127.0.0.1:7002' },
    ]);

    const left = performance.now();
    await a.close();
    await timeUntil(() => ids(b.instances('ingest')), ['ingest-b'], 5000, 'leave');
    expect(performance.now() - left).toBeLessThan(CHANGE_BOUND_MS);
    // Deregistered, not left to expire.
    expect(Object.keys(await agentServices(standIn))).toEqual(['ingest-b']);

    // Each listener heard each change once: passes and repeated answers are not changes.
    expect(atB.ids()).toEqual([[], ['ingest-a'], ['ingest-a', 'ingest-b'], ['ingest-b']]);
    expect(atA.ids()).toEqual([[], ['ingest-a'], ['ingest-a', 'ingest-b']]);
    expect(b.describe()).toEqual({
      discovery: 'consul',
      consul: 'reachable',
      'consul.url': standIn.url,
      'consul.self': 'ingest-b registered',
      'members.ingest': '127.0.0.1:7002',
    });
  });

  it('passes its check without changing what watchers read', async () => {
    const member = discovery({ ttlMs: 600 });
    await member.register({ service: 'query', id: 'query-passes', address: '127.0.0.1:7100' });
    const watcher = discovery();
    await timeUntil(() => ids(watcher.instances('query')), ['query-passes'], 5000, 'join');
    const indexBefore = standIn.index();
    const passesBefore = standIn.requests().filter(r => r.path.includes('/check/pass/')).length;
    await new Promise(resolve => setTimeout(resolve, 1000));
    const passes = standIn.requests().filter(r => r.path.includes('/check/pass/')).length;
    // Every TTL/3 = 200 ms: about five in a second.
    expect(passes - passesBefore).toBeGreaterThanOrEqual(3);
    expect(standIn.index()).toBe(indexBefore);
    expect(await agentCheck(standIn, 'service:query-passes')).toMatchObject({ Status: 'passing' });
  });

  it('loses a killed instance within TTL + 2 s, by TTL expiry rather than deregistration', async () => {
    const watcher = discovery();
    const child: ChildProcess = spawn(
      process.execPath,
      [
        ...SOURCE_NODE_ARGS,
        join(REPO_ROOT, 'test/support/consul-discovery-member-main.ts'),
        '--service',
        'aggregator',
        '--id',
        'aggregator-killed',
        '--address',
        '127.0.0.1:7200',
      ],
      {
        cwd: REPO_ROOT,
        env: { ...process.env, TABA_CONSUL_URL: standIn.url },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    try {
      const output = captureOutput(child);
      await pollUntil(
        () => (output.stdout().includes('"registered":"aggregator-killed"') ? true : undefined),
        {
          what: `the member to register (stderr: ${output.stderr()})`,
          timeoutMs: 15_000,
          intervalMs: 20,
        },
      );
      await timeUntil(
        () => ids(watcher.instances('aggregator')),
        ['aggregator-killed'],
        5000,
        'join',
      );

      const killed = performance.now();
      child.kill('SIGKILL');
      const tookMs = await timeUntil(
        () => ids(watcher.instances('aggregator')),
        [],
        10_000,
        'loss',
      );
      const { ttlMs } = CONSUL_DISCOVERY_DEFAULTS;
      // Gone no earlier than the TTL after the last pass (at most a third of it before the kill)…
      expect(performance.now() - killed).toBeGreaterThanOrEqual(ttlMs - ttlMs / 3 - 50);
      // …and within TTL + 2 s of the kill (about 1.5 s with the defaults).
      expect(tookMs).toBeLessThan(ttlMs + CHANGE_BOUND_MS);
      expect(await agentCheck(standIn, 'service:aggregator-killed')).toEqual(
        expect.objectContaining({ Status: 'critical', Output: 'TTL expired' }),
      );
      expect(await agentServices(standIn)).toHaveProperty('aggregator-killed');
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('sends the token it is given with every request', async () => {
    const member = discovery({ token: 'secret-token' });
    const from = standIn.requests().length;
    await member.register({ service: 'gateway', id: 'gateway-token', address: '127.0.0.1:7300' });
    await timeUntil(() => ids(member.instances('gateway')), ['gateway-token'], 5000, 'join');
    await member.close();
    const seen = standIn.requests().slice(from);
    const paths = seen.map(r => r.path);
    expect(paths).toContain('/v1/agent/service/register');
    expect(paths).toContain('/v1/health/service/gateway');
    expect(paths).toContain('/v1/agent/service/deregister/gateway-token');
    expect(seen.map(r => r.token)).toEqual(seen.map(() => 'secret-token'));
  });

  it('keeps serving the last list through an outage, and re-registers when Consul comes back empty', async () => {
    const own = await startConsulStandIn();
    try {
      const memberLog = recordingLogger();
      const watcherLog = recordingLogger();
      const member = discovery({ url: own.url, logger: memberLog.logger });
      const watcher = discovery({ url: own.url, logger: watcherLog.logger });
      await member.register({ service: 'query', id: 'query-a', address: '127.0.0.1:7400' });
      const atWatcher = recordWatch(watcher, 'query');
      await timeUntil(() => ids(watcher.instances('query')), ['query-a'], 5000, 'join');

      await own.stop();
      await timeUntil(
        () => /^unreachable since \d{4}-\d\d-\d\dT/.test(watcher.describe().consul ?? ''),
        true,
        5000,
        'the watcher to notice',
      );
      await timeUntil(
        () => /^unreachable since /.test(member.describe().consul ?? ''),
        true,
        5000,
        'the member to notice',
      );
      // Several retries later: still the last membership, still one warning per outage.
      await new Promise(resolve => setTimeout(resolve, 1500));
      expect(watcher.instances('query')).toEqual([{ id: 'query-a', address: '127.0.0.1:7400' }]);
      expect(watcher.describe()['members.query']).toBe('127.0.0.1:7400');
      expect(atWatcher.ids()).toEqual([[], ['query-a']]);
      const warnings = (lines: readonly LogLine[]) =>
        lines.filter(
          line => line.msg === 'consul unreachable; keeping the last known membership and retrying',
        );
      expect(warnings(watcherLog.lines)).toHaveLength(1);
      expect(warnings(memberLog.lines)).toHaveLength(1);
      expect(warnings(watcherLog.lines)[0]).toMatchObject({ level: 40, consul: own.url });

      // Consul returns with nothing: the member notices its check is unknown and registers again.
      const back = performance.now();
      await own.start({ keepState: false });
      await pollUntil(async () => ((await agentServices(own))['query-a'] ? true : undefined), {
        what: 'the member to register again',
        timeoutMs: 5000,
        intervalMs: 20,
      });
      await timeUntil(
        () => ids(watcher.instances('query')),
        ['query-a'],
        5000,
        'the watcher to see it again',
      );
      expect(performance.now() - back).toBeLessThan(5000);
      await timeUntil(() => watcher.describe().consul, 'reachable', 5000, 'the watcher to recover');
      await timeUntil(() => member.describe().consul, 'reachable', 5000, 'the member to recover');
      expect(
        memberLog.lines.filter(
          line => line.msg === 'consul no longer knows this instance; registering again',
        ),
      ).toHaveLength(1);
      expect(watcherLog.lines.filter(line => line.msg === 'consul reachable again')).toHaveLength(
        1,
      );
      expect(member.describe()['consul.self']).toBe('query-a registered');
    } finally {
      await Promise.all(open.splice(0).map(each => each.close()));
      await own.stop();
    }
  });

  it('closes promptly and idempotently even when Consul never answers', async () => {
    // A "Consul" that accepts connections and never says a word.
    const sockets = new Set<Socket>();
    const silent = createServer(socket => {
      sockets.add(socket);
      socket.on('close', () => sockets.delete(socket));
    });
    await new Promise<void>(resolve => silent.listen(0, LOOPBACK, resolve));
    const address = silent.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      const { logger, lines } = recordingLogger();
      const mute = new ConsulDiscovery({
        url: `http://${LOOPBACK}:${port}`,
        requestTimeoutMs: 300,
        waitMs: 1000,
        logger,
      });
      const seen: string[][] = [];
      mute.watch('ingest', list => seen.push(ids(list)));
      let started = performance.now();
      await mute.register({ service: 'ingest', id: 'ingest-mute', address: '127.0.0.1:7500' });
      expect(performance.now() - started).toBeLessThan(1500);
      expect(mute.describe()).toMatchObject({
        consul: expect.stringMatching(/^unreachable since /),
        'consul.self': 'ingest-mute not registered',
      });
      expect(lines.filter(line => line.level === 40)).toHaveLength(1);

      started = performance.now();
      await Promise.all([mute.close(), mute.close()]);
      await mute.close();
      expect(performance.now() - started).toBeLessThan(3 * 300 + 500);
      expect(seen).toEqual([[]]);
      await expect(
        mute.register({ service: 'ingest', id: 'again', address: '127.0.0.1:7501' }),
      ).rejects.toThrow('ConsulDiscovery: register after close');
    } finally {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>(resolve => silent.close(() => resolve()));
    }
  });

  it('keeps calling the other listeners when one throws, and refuses a second registration', async () => {
    const { logger, lines } = recordingLogger();
    const member = discovery({ logger });
    member.watch('ingest', () => {
      throw new Error('listener bug');
    });
    const good = recordWatch(member, 'ingest');
    await member.register({ service: 'ingest', id: 'ingest-solo', address: '127.0.0.1:7600' });
    await timeUntil(() => good.ids().at(-1), ['ingest-solo'], 5000, 'join');
    expect(lines.filter(line => line.msg === 'discovery listener failed').length).toBeGreaterThan(
      0,
    );
    await expect(
      member.register({ service: 'ingest', id: 'ingest-other', address: '127.0.0.1:7601' }),
    ).rejects.toThrow('ConsulDiscovery: already registered as ingest-solo');
    await expect(
      discovery().register({ service: 'ingest', id: 'x', address: '0.0.0.0' }),
    ).rejects.toThrow('expected host:port with a port from 1 to 65535, got "0.0.0.0"');
  });
});
