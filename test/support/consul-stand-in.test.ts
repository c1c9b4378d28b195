// The Consul stand-in, driven by the real `consul` client (and by plain HTTP where headers,
// bodies and timings are the point).
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import Consul from 'consul';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ConsulStandIn } from './consul-stand-in.js';
import { startConsulStandIn } from './consul-stand-in.js';
import { isAcceptingConnections } from './free-port.js';
import { pollUntil } from './poll.js';
import { REPO_ROOT } from './service-process.js';

/** The registration options as the client really takes them (its typings over-require). */
interface CheckSpec {
  readonly checkid?: string;
  readonly name?: string;
  readonly ttl?: string;
  readonly status?: string;
  readonly notes?: string;
  readonly deregistercriticalserviceafter?: string;
  readonly http?: string;
  readonly interval?: string;
}
interface Registration {
  readonly name: string;
  readonly id?: string;
  readonly address?: string;
  readonly port?: number;
  readonly tags?: string[];
  readonly meta?: Record<string, string>;
  readonly check?: CheckSpec;
  readonly checks?: CheckSpec[];
}
interface Registrar {
  register(options: Registration): Promise<unknown>;
}

interface RawAnswer {
  readonly status: number;
  readonly index: number;
  readonly headers: Headers;
  readonly text: string;
}

/** One HTTP request with fetch, bounded; the body read as text. */
async function request(
  standIn: ConsulStandIn,
  path: string,
  init: RequestInit = {},
): Promise<RawAnswer> {
  const response = await fetch(`${standIn.url}${path}`, {
    ...init,
    signal: AbortSignal.timeout(10_000),
  });
  return {
    status: response.status,
    index: Number(response.headers.get('x-consul-index') ?? Number.NaN),
    headers: response.headers,
    text: await response.text(),
  };
}

function clientOf(standIn: ConsulStandIn, token?: string): Consul {
  return new Consul({
    host: standIn.host,
    port: standIn.port,
    ...(token ? { defaults: { token } } : {}),
  });
}

function statusOf(error: unknown): number | undefined {
  return (error as { response?: { statusCode?: number } }).response?.statusCode;
}

interface HealthEntry {
  readonly Service: { readonly ID: string; readonly Port: number };
  readonly Checks: readonly { readonly CheckID: string; readonly Status: string }[];
}

describe('Consul stand-in', () => {
  let standIn: ConsulStandIn;
  let consul: Consul;
  let agentService: Registrar;

  beforeAll(async () => {
    standIn = await startConsulStandIn({ deregisterCriticalMinimumMs: 300, reapIntervalMs: 50 });
    consul = clientOf(standIn);
    agentService = consul.agent.service;
  });

  afterAll(async () => {
    consul.destroy();
    await standIn.stop();
  });

  it('registers a service with a TTL check named service:<ID>, lists and deregisters it', async () => {
    await agentService.register({
      name: 'ingest',
      id: 'ingest-1',
      address: '127.0.0.1',
      port: 50051,
      tags: ['v1'],
      meta: { shard: '0' },
      check: { ttl: '10s', deregistercriticalserviceafter: '1m', notes: 'ttl' },
    });

    const services = await consul.agent.service.list();
    expect(services['ingest-1']).toEqual({
      ID: 'ingest-1',
      Service: 'ingest',
      Tags: ['v1'],
      Meta: { shard: '0' },
      Port: 50051,
      Address: '127.0.0.1',
      Weights: { Passing: 1, Warning: 1 },
      EnableTagOverride: false,
      Datacenter: 'dc1',
    });
    const checks = await consul.agent.check.list();
    expect(checks['service:ingest-1']).toMatchObject({
      CheckID: 'service:ingest-1',
      Name: "Service 'ingest' check",
      Status: 'critical', // a TTL check starts critical unless Status is given
      Notes: 'ttl',
      Output: '',
      ServiceID: 'ingest-1',
      ServiceName: 'ingest',
      ServiceTags: ['v1'],
      Type: 'ttl',
    });
    expect(await consul.catalog.service.list()).toMatchObject({ ingest: ['v1'] });
    const nodes = await consul.catalog.service.nodes({ service: 'ingest', tag: 'v1' });
    expect(nodes.map(node => [node.ServiceID, node.ServiceAddress, node.ServicePort])).toEqual([
      ['ingest-1', '127.0.0.1', 50051],
    ]);
    expect(await consul.catalog.service.nodes({ service: 'ingest', tag: 'v2' })).toEqual([]);

    await consul.agent.service.deregister('ingest-1');
    expect((await consul.agent.service.list())['ingest-1']).toBeUndefined();
    expect((await consul.agent.check.list())['service:ingest-1']).toBeUndefined();
    expect(await consul.catalog.service.list()).not.toHaveProperty('ingest');
  });

  it('passes, warns and fails a TTL check; check ids are URL-decoded', async () => {
    await agentService.register({ name: 'pass', id: 'pass-1', port: 1, check: { ttl: '10s' } });
    const standInRequests = standIn.requests().length;

    await consul.agent.check.pass({ id: 'service:pass-1', note: 'fine' });
    expect(standIn.requests().slice(standInRequests)).toEqual([
      {
        method: 'PUT',
        path: '/v1/agent/check/pass/service:pass-1',
        query: 'note=fine',
        token: undefined,
      },
    ]);
    let check = (await consul.agent.check.list())['service:pass-1'];
    expect([check?.Status, check?.Output]).toEqual(['passing', 'fine']);

    await consul.agent.check.warn('service:pass-1');
    check = (await consul.agent.check.list())['service:pass-1'];
    expect([check?.Status, check?.Output]).toEqual(['warning', '']);

    // By hand, percent-encoded as the client does it.
    const failed = await request(standIn, '/v1/agent/check/fail/service%3Apass-1?note=down', {
      method: 'PUT',
    });
    expect([failed.status, failed.text]).toEqual([200, '']);
    check = (await consul.agent.check.list())['service:pass-1'];
    expect([check?.Status, check?.Output]).toEqual(['critical', 'down']);
    await consul.agent.service.deregister('pass-1');
  });

  it('starts a check passing when asked, expires it after the TTL, and ?passing drops it', async () => {
    await agentService.register({
      name: 'expiring',
      id: 'expiring-1',
      address: '127.0.0.1',
      port: 7000,
      check: { ttl: '300ms', status: 'passing' },
    });
    await consul.agent.check.pass({ id: 'service:expiring-1', note: 'ok' });
    const passing = (await consul.health.service({
      service: 'expiring',
      passing: true,
    })) as HealthEntry[];
    expect(passing.map(entry => entry.Service.ID)).toEqual(['expiring-1']);
    expect(passing[0]?.Checks.map(check => [check.CheckID, check.Status])).toEqual([
      ['serfHealth', 'passing'],
      ['service:expiring-1', 'passing'],
    ]);

    const started = performance.now();
    const expired = await pollUntil(
      async () => {
        const check = (await consul.agent.check.list())['service:expiring-1'];
        return check?.Status === 'critical' ? check : undefined;
      },
      { what: 'the TTL check to expire', timeoutMs: 5000, intervalMs: 20 },
    );
    expect(performance.now() - started).toBeGreaterThan(200);
    expect(expired.Output).toBe('TTL expired (last output before timeout follows): ok');
    expect(await consul.health.service({ service: 'expiring', passing: true })).toEqual([]);
    const all = (await consul.health.service('expiring')) as HealthEntry[];
    expect(all.map(entry => entry.Checks.map(check => check.Status))).toEqual([
      ['passing', 'critical'],
    ]);
    await consul.agent.service.deregister('expiring-1');
  });

  it('reaps a service whose check stayed critical past DeregisterCriticalServiceAfter, raised to the minimum', async () => {
    await agentService.register({
      name: 'reaped',
      id: 'reaped-1',
      port: 1,
      // 10ms is below the stand-in's minimum of 300ms, so 300ms it is.
      check: { ttl: '10s', deregistercriticalserviceafter: '10ms' },
    });
    const registered = performance.now();
    await pollUntil(
      async () => ((await consul.agent.service.list())['reaped-1'] ? undefined : true),
      { what: 'the critical service to be reaped', timeoutMs: 5000, intervalMs: 20 },
    );
    expect(performance.now() - registered).toBeGreaterThanOrEqual(300);
    expect((await consul.agent.check.list())['service:reaped-1']).toBeUndefined();
  });

  it("keeps Consul's defaults (1m minimum) unless told otherwise", async () => {
    const defaults = await startConsulStandIn({ reapIntervalMs: 20 });
    const client = clientOf(defaults);
    try {
      const registrar: Registrar = client.agent.service;
      await registrar.register({
        name: 'kept',
        port: 1,
        check: { ttl: '10s', deregistercriticalserviceafter: '10ms' },
      });
      await new Promise(resolve => setTimeout(resolve, 300));
      expect(Object.keys(await client.agent.service.list())).toEqual(['kept']);
    } finally {
      client.destroy();
      await defaults.stop();
    }
  });

  it('numbers unnamed entries of Checks and keeps given CheckIDs; re-registering replaces', async () => {
    await agentService.register({
      name: 'multi',
      id: 'multi-1',
      port: 1,
      checks: [
        { ttl: '10s' },
        { checkid: 'multi-own', name: 'own', ttl: '10s', status: 'warning' },
        { http: 'http://127.0.0.1:1/health', interval: '10s' },
      ],
    });
    let checks = await consul.agent.check.list();
    expect(
      Object.values(checks)
        .filter(check => check.ServiceID === 'multi-1')
        .map(check => [check.CheckID, check.Name, check.Status, check.Type]),
    ).toEqual([
      ['multi-own', 'own', 'warning', 'ttl'],
      ['service:multi-1:1', "Service 'multi' check", 'critical', 'ttl'],
      ['service:multi-1:3', "Service 'multi' check", 'critical', 'http'],
    ]);

    await consul.agent.check.pass('service:multi-1:1');
    await agentService.register({
      name: 'multi',
      id: 'multi-1',
      port: 2,
      checks: [{ ttl: '10s' }, { checkid: 'multi-own', ttl: '10s' }, { ttl: '5s' }],
    });
    expect((await consul.agent.service.list())['multi-1']?.Port).toBe(2);
    checks = await consul.agent.check.list();
    // The status a check had survives its re-registration, as in Consul.
    expect(checks['service:multi-1:1']?.Status).toBe('passing');
    expect(checks['service:multi-1:3']?.Type).toBe('ttl');
    await consul.agent.service.deregister('multi-1');
  });

  it('answers errors with the status and text Consul gives', async () => {
    await expect(consul.agent.check.pass('service:nobody')).rejects.toSatisfy(
      error => statusOf(error) === 404,
    );
    expect(
      await request(standIn, '/v1/agent/check/pass/service%3Anobody', { method: 'PUT' }),
    ).toMatchObject({
      status: 404,
      text: 'Unknown check ID "service:nobody". Ensure that the check ID is passed, not the check name.',
    });
    expect(
      await request(standIn, '/v1/agent/service/deregister/nobody', { method: 'PUT' }),
    ).toMatchObject({
      status: 404,
      text: 'Unknown service ID "nobody". Ensure that the service ID is passed, not the service name.',
    });
    const badJson = await request(standIn, '/v1/agent/service/register', {
      method: 'PUT',
      body: '{"Name":',
    });
    expect(badJson.status).toBe(400);
    expect(badJson.text).toMatch(/^Request decode failed: /);
    expect(badJson.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(
      await request(standIn, '/v1/agent/service/register', { method: 'PUT', body: '{"ID":"x"}' }),
    ).toMatchObject({ status: 400, text: 'Missing service name' });
    expect(
      await request(standIn, '/v1/agent/service/register', {
        method: 'PUT',
        body: '{"Name":"x","Check":{"TTL":"soon"}}',
      }),
    ).toMatchObject({ status: 400, text: 'Request decode failed: time: invalid duration "soon"' });
    expect(
      await request(standIn, '/v1/agent/service/register', {
        method: 'PUT',
        body: '{"Name":"x","Check":{"Notes":"no kind"}}',
      }),
    ).toMatchObject({ status: 400, text: 'Invalid check: TTL must be > 0 for TTL checks' });
    expect(await request(standIn, '/v1/nowhere')).toMatchObject({
      status: 404,
      text: '404 page not found\n',
    });
    const wrongMethod = await request(standIn, '/v1/agent/services', { method: 'DELETE' });
    expect([wrongMethod.status, wrongMethod.text, wrongMethod.headers.get('allow')]).toEqual([
      405,
      'method DELETE not allowed',
      'GET',
    ]);
    expect(await request(standIn, '/v1/health/service/x?index=1&wait=soon')).toMatchObject({
      status: 400,
      text: 'Invalid wait time',
    });
    expect(await request(standIn, '/v1/health/service/x?index=-1')).toMatchObject({
      status: 400,
      text: 'Invalid index',
    });
  });

  it('answers every read with a positive X-Consul-Index that never goes back, and leader headers', async () => {
    const reads = [
      '/v1/agent/services',
      '/v1/agent/checks',
      '/v1/health/service/mono',
      '/v1/catalog/services',
      '/v1/catalog/service/mono',
      '/v1/status/leader',
    ];
    let highest = 0;
    for (let round = 0; round < 3; round += 1) {
      await agentService.register({
        name: 'mono',
        id: `mono-${round}`,
        port: 1,
        check: { ttl: '10s' },
      });
      await consul.kv.set(`mono/${round}`, 'x');
      for (const path of reads) {
        const answer = await request(standIn, path);
        expect(answer.status).toBe(200);
        expect(answer.headers.get('content-type')).toBe('application/json');
        expect(answer.headers.get('x-consul-knownleader')).toBe('true');
        expect(answer.headers.get('x-consul-lastcontact')).toBe('0');
        expect(answer.index).toBeGreaterThan(0);
      }
      const health = await request(standIn, '/v1/health/service/mono');
      expect(health.index).toBeGreaterThan(highest);
      highest = health.index;
      expect(highest).toBeLessThanOrEqual(standIn.index());
    }
    const missing = await request(standIn, '/v1/kv/mono/none');
    expect([missing.status, missing.text, missing.index > 0]).toEqual([404, '', true]);
    expect(await consul.status.leader()).toBe('127.0.0.1:8300');
    for (let round = 0; round < 3; round += 1)
      await consul.agent.service.deregister(`mono-${round}`);
    await consul.kv.del({ key: 'mono/', recurse: true });
  });

  it('holds a blocking query until its index moves, or until wait runs out with the same index', async () => {
    const first = await request(standIn, '/v1/health/service/blocking');
    expect(first.text).toBe('[]');

    // Nothing changes: the answer comes after `wait` (plus at most 1/16), with the same index.
    let started = performance.now();
    const idle = await request(
      standIn,
      `/v1/health/service/blocking?index=${first.index}&wait=400ms`,
    );
    const idleMs = performance.now() - started;
    expect([idle.status, idle.index, idle.text]).toEqual([200, first.index, '[]']);
    expect(idleMs).toBeGreaterThanOrEqual(390);
    expect(idleMs).toBeLessThan(400 * (1 + 1 / 16) + 300);

    // A registration answers the held query at once, with a higher index.
    started = performance.now();
    const held = request(standIn, `/v1/health/service/blocking?index=${first.index}&wait=5s`);
    await new Promise(resolve => setTimeout(resolve, 100));
    await agentService.register({
      name: 'blocking',
      id: 'blocking-1',
      port: 9,
      check: { ttl: '10s' },
    });
    const woken = await held;
    expect(performance.now() - started).toBeLessThan(1000);
    expect(woken.index).toBeGreaterThan(first.index);
    expect((JSON.parse(woken.text) as HealthEntry[]).map(entry => entry.Service.ID)).toEqual([
      'blocking-1',
    ]);

    // A change to another service does not wake it.
    started = performance.now();
    const other = request(standIn, `/v1/health/service/blocking?index=${woken.index}&wait=300ms`);
    await agentService.register({ name: 'elsewhere', port: 1, check: { ttl: '10s' } });
    expect((await other).index).toBe(woken.index);
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    await consul.agent.service.deregister('blocking-1');
    await consul.agent.service.deregister('elsewhere');
  });

  it("serves the client's consul.watch: a change event per membership change", async () => {
    const seen: string[][] = [];
    const watch = consul.watch({
      method: consul.health.service,
      options: { service: 'watched', passing: 'true', wait: '5s' },
    });
    watch.on('change', (data: HealthEntry[]) => seen.push(data.map(entry => entry.Service.ID)));
    const errors: unknown[] = [];
    watch.on('error', error => errors.push(error));
    try {
      await pollUntil(() => (seen.length === 1 ? true : undefined), {
        what: 'the first answer',
        timeoutMs: 5000,
        intervalMs: 10,
      });
      await agentService.register({
        name: 'watched',
        id: 'watched-1',
        port: 1,
        check: { ttl: '10s', status: 'passing' },
      });
      await pollUntil(() => (seen.length === 2 ? true : undefined), {
        what: 'the join',
        timeoutMs: 2000,
        intervalMs: 10,
      });
      await consul.agent.service.deregister('watched-1');
      await pollUntil(() => (seen.length === 3 ? true : undefined), {
        what: 'the leave',
        timeoutMs: 2000,
        intervalMs: 10,
      });
      expect(seen).toEqual([[], ['watched-1'], []]);
      expect(errors).toEqual([]);
    } finally {
      watch.end();
    }
  });

  it('stores, compares-and-sets, lists and deletes KV entries', async () => {
    expect(await consul.kv.get('taba/config/shards')).toBeUndefined();
    expect(await consul.kv.set('taba/config/shards', '{"n":3}')).toBe(true);
    expect(standIn.requests().at(-1)?.path).toBe('/v1/kv/taba/config/shards');
    const entry = await consul.kv.get('taba/config/shards');
    expect(entry).toEqual({
      LockIndex: 0,
      Key: 'taba/config/shards',
      Flags: 0,
      Value: '{"n":3}',
      CreateIndex: entry?.ModifyIndex,
      ModifyIndex: entry?.ModifyIndex,
    });
    const modifyIndex = entry?.ModifyIndex ?? 0;

    // cas=0 only creates; a matching ModifyIndex updates; a stale one does not. Consul answers
    // `false` to a failed CAS, which the client resolves as undefined.
    const refused = await request(standIn, '/v1/kv/taba%2Fconfig%2Fshards?cas=0', {
      method: 'PUT',
      body: 'x',
    });
    expect([refused.status, refused.text]).toEqual([200, 'false']);
    expect(await consul.kv.set({ key: 'taba/config/shards', value: 'x', cas: 0 })).toBeUndefined();
    expect(
      await consul.kv.set({
        key: 'taba/config/shards',
        value: '{"n":4}',
        cas: modifyIndex,
        flags: 42,
      }),
    ).toBe(true);
    expect(
      await consul.kv.set({ key: 'taba/config/shards', value: 'y', cas: modifyIndex }),
    ).toBeUndefined();
    const updated = await consul.kv.get('taba/config/shards');
    expect([updated?.Value, updated?.Flags, updated?.CreateIndex]).toEqual([
      '{"n":4}',
      42,
      modifyIndex,
    ]);
    expect(updated?.ModifyIndex).toBeGreaterThan(modifyIndex);
    expect(await consul.kv.set({ key: 'taba/config/new', value: 'n', cas: 0 })).toBe(true);
    await consul.kv.set('taba/other', 'o');
    await consul.kv.set('taba/config/deep/er', 'd');

    expect(await consul.kv.keys('taba/')).toEqual([
      'taba/config/deep/er',
      'taba/config/new',
      'taba/config/shards',
      'taba/other',
    ]);
    expect(await consul.kv.keys({ key: 'taba/', separator: '/' })).toEqual([
      'taba/config/',
      'taba/other',
    ]);
    const listed = await consul.kv.get({ key: 'taba/config/', recurse: true });
    expect(Array.isArray(listed) ? listed.map(item => [item.Key, item.Value]) : listed).toEqual([
      ['taba/config/deep/er', 'd'],
      ['taba/config/new', 'n'],
      ['taba/config/shards', '{"n":4}'],
    ]);
    const raw = await request(standIn, '/v1/kv/taba%2Fother?raw');
    expect([raw.status, raw.text, raw.headers.get('content-type')]).toEqual([
      200,
      'o',
      'text/plain',
    ]);

    const current = (await consul.kv.get('taba/config/new'))?.ModifyIndex ?? 0;
    expect(await consul.kv.del({ key: 'taba/config/new', cas: current + 1000 })).toBeUndefined();
    expect(await consul.kv.del({ key: 'taba/config/new', cas: current })).toBe(true);
    expect(await consul.kv.get('taba/config/new')).toBeUndefined();
    expect(await consul.kv.del('taba/config/never')).toBe(true);
    expect(await consul.kv.del({ key: 'taba/', recurse: true })).toBe(true);
    expect(await consul.kv.get({ key: 'taba/', recurse: true })).toBeUndefined();
    await expect(consul.kv.keys('taba/')).rejects.toSatisfy(error => statusOf(error) === 404);
    expect(await request(standIn, '/v1/kv/k?cas=1&acquire=s', { method: 'PUT' })).toMatchObject({
      status: 400,
    });
  });

  it('wakes a blocking KV read when its key is written, with the new ModifyIndex', async () => {
    await consul.kv.set('block/key', 'one');
    const first = await request(standIn, '/v1/kv/block/key');
    const held = request(standIn, `/v1/kv/block/key?index=${first.index}&wait=5s`);
    await new Promise(resolve => setTimeout(resolve, 50));
    await consul.kv.set('block/key', 'two');
    const woken = await held;
    const [item] = JSON.parse(woken.text) as { Value: string; ModifyIndex: number }[];
    expect(Buffer.from(item?.Value ?? '', 'base64').toString()).toBe('two');
    expect(woken.index).toBe(item?.ModifyIndex);
    expect(woken.index).toBeGreaterThan(first.index);
    await consul.kv.del('block/key');
  });

  it('sends the token the client is given (ACLs themselves are not enforced)', async () => {
    const withToken = clientOf(standIn, 'tok');
    try {
      await withToken.status.leader();
      expect(standIn.requests().at(-1)).toEqual({
        method: 'GET',
        path: '/v1/status/leader',
        query: '',
        token: 'tok',
      });
    } finally {
      withToken.destroy();
    }
  });
});

describe('Consul stand-in outages', () => {
  it('stops like a killed agent (held queries cut, connections refused) and starts again with or without its state', async () => {
    const standIn = await startConsulStandIn();
    // A client per life of the stand-in: a keep-alive socket of the last life may not have
    // seen its end yet (with a real agent too), and would fail the first request.
    const clients: Consul[] = [];
    const client = () => {
      const fresh = clientOf(standIn);
      clients.push(fresh);
      return fresh;
    };
    try {
      const registrar: Registrar = client().agent.service;
      await registrar.register({ name: 'kept', port: 1, check: { ttl: '10s' } });
      const before = standIn.index();
      const held = request(standIn, `/v1/health/service/kept?index=${before}&wait=10s`);
      await new Promise(resolve => setTimeout(resolve, 50));

      await standIn.stop();
      await standIn.stop(); // idempotent
      await expect(held).rejects.toThrow();
      expect(standIn.isListening()).toBe(false);
      expect(await isAcceptingConnections(standIn.port)).toBe(false);
      await expect(client().status.leader()).rejects.toMatchObject({ code: 'ECONNREFUSED' });

      await standIn.start();
      expect(Object.keys(await client().agent.service.list())).toEqual(['kept']);
      expect(standIn.index()).toBe(before);

      await standIn.stop();
      await standIn.start({ keepState: false });
      expect(await client().agent.service.list()).toEqual({});
      expect(standIn.index()).toBe(1);
      expect((await request(standIn, '/v1/health/service/kept')).index).toBe(1);
    } finally {
      for (const each of clients) each.destroy();
      await standIn.stop();
    }
  });

  it('runs as a child process that prints its port and exits on SIGTERM', async () => {
    const child = spawn(
      process.execPath,
      // Plain tsx, no @taba/source condition: the stand-in needs nothing from the workspaces.
      ['--import', 'tsx', join(REPO_ROOT, 'test/support/consul-stand-in-main.ts'), '--port', '0'],
      { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    try {
      let stdout = '';
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString('utf8');
      });
      const line = await pollUntil(
        () => (stdout.includes('\n') ? stdout.split('\n')[0] : undefined),
        {
          what: 'the stand-in to print its port',
          timeoutMs: 15_000,
          intervalMs: 20,
        },
      );
      const { port } = JSON.parse(line ?? '') as { port: number };
      expect(port).toBeGreaterThan(0);
      const consul = new Consul({ host: '127.0.0.1', port });
      try {
        expect(await consul.status.leader()).toBe('127.0.0.1:8300');
      } finally {
        consul.destroy();
      }
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      const [code, signal] = (await exited) as [number | null, string | null];
      expect([code, signal]).toEqual([0, null]);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
