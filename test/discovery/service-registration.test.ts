// The runner with ConsulDiscovery against the stand-in: an instance is registered once it
// serves, deregistered before it drains (peers stop sending while its calls in flight finish),
// and keeps watching its peers meanwhile.
import type { RunningService, ServiceInstance } from '@taba/common';
import { ConsulDiscovery, createLogger, loadServiceBaseConfig, startService } from '@taba/common';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ConsulStandIn } from '../support/consul-stand-in.js';
import { startConsulStandIn } from '../support/consul-stand-in.js';
import { isAcceptingConnections } from '../support/free-port.js';
import { createHealthClient } from '../support/grpc-health.js';
import { pollUntil } from '../support/poll.js';
import { spawnServiceProcess } from '../support/service-process.js';

let standIn: ConsulStandIn;
const cleanups: (() => Promise<unknown> | unknown)[] = [];

beforeEach(async () => {
  standIn = await startConsulStandIn();
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await standIn.stop();
});

function consul(): ConsulDiscovery {
  const discovery = new ConsulDiscovery({ url: standIn.url });
  cleanups.push(() => discovery.close());
  return discovery;
}

async function startWithConsul(id: string, discovery: ConsulDiscovery): Promise<RunningService> {
  const config = loadServiceBaseConfig(
    {
      TABA_GRPC_ADDRESS: '127.0.0.1:0',
      TABA_INSTANCE_ID: id,
      TABA_DISCOVERY: 'consul',
      TABA_CONSUL_URL: standIn.url,
      TABA_SHUTDOWN_GRACE_MS: '5000',
    },
    'query',
  );
  const running = await startService(
    config,
    createLogger({ service: 'query', level: 'silent' }),
    () => ({ serviceNames: [], discovery }),
  );
  cleanups.push(() => running.stop());
  return running;
}

async function healthOf(
  service: string,
): Promise<{ id: string; address: string; port: number; status: string }[]> {
  const response = await fetch(`${standIn.url}/v1/health/service/${service}`, {
    signal: AbortSignal.timeout(5000),
  });
  const entries = (await response.json()) as {
    Service: { ID: string; Address: string; Port: number };
    Checks: { CheckID: string; Status: string }[];
  }[];
  return entries.map(entry => ({
    id: entry.Service.ID,
    address: entry.Service.Address,
    port: entry.Service.Port,
    status: entry.Checks.filter(check => check.CheckID === `service:${entry.Service.ID}`)
      .map(check => check.Status)
      .join(','),
  }));
}

const ids = (list: readonly ServiceInstance[]) => list.map(instance => instance.id);

describe('registration through the runner', () => {
  it('registers a serving instance as its TABA_INSTANCE_ID at its address, passing', async () => {
    const running = await startWithConsul('query-r1', consul());
    expect(running.selfId).toBe('query-r1');
    expect(await healthOf('query')).toEqual([
      { id: 'query-r1', address: '127.0.0.1', port: running.port, status: 'passing' },
    ]);
  });

  it('deregisters before draining: peers see it leave while its calls in flight go on', async () => {
    const discovery = consul();
    const running = await startWithConsul('query-r2', discovery);
    const peer = consul();
    const seen: string[][] = [];
    peer.watch('query', list => seen.push(ids(list)));
    await pollUntil(() => (ids(peer.instances('query')).includes('query-r2') ? true : undefined), {
      what: 'the peer to see the instance',
      timeoutMs: 5000,
      intervalMs: 20,
    });

    // An open Health/Watch stream holds the drain for the grace period.
    const health = createHealthClient(running.address);
    cleanups.push(() => health.close());
    const watch = health.watch('');
    await pollUntil(() => (watch.statuses.includes('SERVING') ? true : undefined), {
      what: 'Health/Watch to report SERVING',
      timeoutMs: 5000,
    });
    let drained = false;
    const stopped = running.stop().then(() => {
      drained = true;
    });
    await pollUntil(() => (peer.instances('query').length === 0 ? true : undefined), {
      what: 'the peer to see the instance leave',
      timeoutMs: 2000,
      intervalMs: 20,
    });
    // Gone from Consul while the stream is still open: the server has not drained yet.
    expect(drained).toBe(false);
    expect(watch.statuses).toEqual(['SERVING', 'NOT_SERVING']);
    expect(watch.error()).toBeUndefined();
    expect(await healthOf('query')).toEqual([]);
    expect(discovery.describe()['consul.self']).toBe('query-r2 deregistered');
    watch.cancel();
    await stopped;
    expect(drained).toBe(true);
    expect(await isAcceptingConnections(running.port)).toBe(false);
    expect(seen).toEqual([[], ['query-r2'], []]);
  });

  it('keeps watching after deregistering, and no longer passes its check', async () => {
    const discovery = consul();
    await discovery.register({ service: 'ingest', id: 'ingest-d1', address: '127.0.0.1:7601' });
    const seen: string[][] = [];
    discovery.watch('aggregator', list => seen.push(ids(list)));
    await discovery.deregister();
    expect(await healthOf('ingest')).toEqual([]);
    const passesAfter = () =>
      standIn.requests().filter(request => request.path.startsWith('/v1/agent/check/pass/')).length;
    const passes = passesAfter();

    const member = consul();
    await member.register({
      service: 'aggregator',
      id: 'aggregator-d1',
      address: '127.0.0.1:7602',
    });
    await pollUntil(() => (seen.at(-1)?.includes('aggregator-d1') ? true : undefined), {
      what: 'the deregistered instance to see a join',
      timeoutMs: 5000,
      intervalMs: 20,
    });
    // Over a pass interval (500 ms) later: only the member passes its check.
    await new Promise(resolve => setTimeout(resolve, 700));
    const newPasses = standIn
      .requests()
      .filter(request => request.path.startsWith('/v1/agent/check/pass/'))
      .slice(passes)
      .map(request => request.path);
    expect(new Set(newPasses)).toEqual(new Set(['/v1/agent/check/pass/service:aggregator-d1']));
    await expect(
      discovery.register({ service: 'ingest', id: 'ingest-d2', address: '127.0.0.1:7603' }),
    ).rejects.toThrow('ConsulDiscovery: register after deregister');
    expect(passesAfter()).toBeGreaterThan(passes);
  });
});

describe('discovery configuration of a service process', () => {
  it.each([
    [
      'query',
      { TABA_DISCOVERY: 'zookeeper' },
      'TABA_DISCOVERY: must be one of static, consul, got "zookeeper"',
    ],
    [
      'aggregator',
      { TABA_DISCOVERY: 'consul', TABA_GRPC_ADDRESS: '0.0.0.0:0' },
      'TABA_ADVERTISE_ADDRESS: must be set with TABA_DISCOVERY=consul when TABA_GRPC_ADDRESS listens on every interface ("0.0.0.0:0"): peers cannot dial a wildcard address',
    ],
  ] as const)(
    '%s exits 2 at start-up, naming the variable, when %j',
    async (service, env, line) => {
      const child = await spawnServiceProcess({ service, env });
      const exit = await child.waitForExit(30_000);
      expect(exit, `${child.stdout()}${child.stderr()}`).toEqual({ code: 2, signal: null });
      expect(child.stderr()).toBe(`${service}: ${line}\n`);
      expect(child.stdout()).toBe('');
    },
  );
});
