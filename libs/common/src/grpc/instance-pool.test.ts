import type { Server, ServerUnaryCall, ServiceError, sendUnaryData } from '@grpc/grpc-js';
import { Metadata, status } from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import type { MembershipListener, ServiceInstance } from '../discovery/discovery.js';
import { StaticDiscovery } from '../discovery/static-discovery.js';
import { REASON_METADATA_KEY } from '../errors/grpc-status.js';
import { FailedPreconditionError, isTabaError, TabaError } from '../errors/taba-error.js';
import type { IngestClient } from '../generated/taba/internal/v1/Ingest.js';
import type { InstanceStatus__Output } from '../generated/taba/v1/InstanceStatus.js';
import { loadTabaProtos } from '../proto/load.js';
import { unaryCall } from './client.js';
import {
  failedBeforeSending,
  InstancePool,
  isRetryableError,
  NO_INSTANCE_REASON,
} from './instance-pool.js';
import { bindServer, createGrpcServer } from './server.js';

const { Ingest } = loadTabaProtos().taba.internal.v1;

/** A real gRPC server on 127.0.0.1:0 answering Ingest/GetStatus with its own name. */
interface TestInstance {
  readonly name: string;
  readonly address: string;
  calls: number;
  /** When set, GetStatus fails with this error. */
  fail?: Partial<ServiceError>;
  stop(): Promise<void>;
}

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function startInstance(name: string): Promise<TestInstance> {
  const server: Server = createGrpcServer();
  const instance: TestInstance = {
    name,
    address: '',
    calls: 0,
    stop: () => new Promise<void>(resolve => server.tryShutdown(() => resolve())),
  };
  server.addService(Ingest.service, {
    GetStatus: (_call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<unknown>) => {
      instance.calls += 1;
      if (instance.fail) callback(instance.fail);
      else callback(null, { instanceId: name });
    },
  });
  const port = await bindServer(server, '127.0.0.1:0');
  Object.assign(instance, { address: `127.0.0.1:${port}` });
  cleanups.push(() => server.forceShutdown());
  return instance;
}

function poolOver(addresses: readonly string[]): InstancePool<IngestClient> {
  const pool = new InstancePool(new StaticDiscovery({ ingest: addresses }), 'ingest', Ingest);
  cleanups.push(() => pool.close());
  return pool;
}

function statusVia(pool: InstancePool<IngestClient>): Promise<string> {
  return pool.call(client =>
    unaryCall<object, InstanceStatus__Output>(
      client.getStatus.bind(client),
      {},
      {
        deadlineMs: 2000,
      },
    ).then(reply => reply.instanceId),
  );
}

describe('InstancePool', () => {
  it('spreads calls round-robin over the instances discovery reports', async () => {
    const instances = await Promise.all(['a', 'b', 'c'].map(startInstance));
    const pool = poolOver(instances.map(instance => instance.address));

    const answers: string[] = [];
    for (let i = 0; i < 6; i += 1) answers.push(await statusVia(pool));

    expect(answers).toEqual(['a', 'b', 'c', 'a', 'b', 'c']);
    expect(instances.map(instance => instance.calls)).toEqual([2, 2, 2]);
    expect(pool.retries).toBe(0);
  });

  it('retries on the other instances when one is down, and never calls it twice per call', async () => {
    const [live, dead] = await Promise.all([startInstance('live'), startInstance('dead')]);
    await dead.stop();
    const pool = poolOver([dead.address, live.address]);

    const answers = await Promise.all([statusVia(pool), statusVia(pool), statusVia(pool)]);

    expect(answers).toEqual(['live', 'live', 'live']);
    expect(live.calls).toBe(3);
    expect(pool.retries).toBe(2);
  });

  it('retries an instance that answers UNAVAILABLE itself', async () => {
    const [busy, fine] = await Promise.all([startInstance('busy'), startInstance('fine')]);
    busy.fail = { code: status.UNAVAILABLE, details: 'draining' };
    const pool = poolOver([busy.address, fine.address]);

    expect(await statusVia(pool)).toBe('fine');
    expect(busy.calls).toBe(1);
  });

  it('does not retry a failure that is not retryable', async () => {
    const [strict, other] = await Promise.all([startInstance('strict'), startInstance('other')]);
    strict.fail = { code: status.FAILED_PRECONDITION, details: 'type conflict' };
    const pool = poolOver([strict.address, other.address]);

    const failure = await statusVia(pool).catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(TabaError);
    expect(failure).toMatchObject({ kind: 'FAILED_PRECONDITION', message: 'type conflict' });
    expect(other.calls).toBe(0);
  });

  it('fails with UNAVAILABLE naming the service when every instance failed', async () => {
    const instances = await Promise.all([startInstance('x'), startInstance('y')]);
    await Promise.all(instances.map(instance => instance.stop()));
    const pool = poolOver(instances.map(instance => instance.address));

    const failure = await statusVia(pool).catch((error: unknown) => error);

    expect(isTabaError(failure)).toBe(true);
    expect(failure).toMatchObject({ kind: 'UNAVAILABLE' });
    expect((failure as Error).message).toMatch(/^ingest unavailable \(all 2 instances failed\): /);
  });

  it('fails with UNAVAILABLE / NO_INSTANCE when there is no instance, and after close', async () => {
    const empty = poolOver([]);
    await expect(statusVia(empty)).rejects.toMatchObject({
      kind: 'UNAVAILABLE',
      reason: NO_INSTANCE_REASON,
    });

    const instance = await startInstance('only');
    const pool = poolOver([instance.address]);
    expect(await statusVia(pool)).toBe('only');
    pool.close();
    pool.close();
    await expect(statusVia(pool)).rejects.toMatchObject({ reason: NO_INSTANCE_REASON });
  });

  it('stops trying other instances once the signal is aborted', async () => {
    const pool = poolOver(['127.0.0.1:1', '127.0.0.1:2']);
    const controller = new AbortController();
    let attempts = 0;
    const failure = await pool
      .call(
        async () => {
          attempts += 1;
          controller.abort();
          throw new TabaError('UNAVAILABLE', 'CANCELLED', 'cancelled');
        },
        { signal: controller.signal },
      )
      .catch((error: unknown) => error);
    expect(attempts).toBe(1);
    expect(failure).toMatchObject({ reason: 'CANCELLED' });
  });

  it('creates and closes clients as members come and go', () => {
    let listener: MembershipListener = () => {};
    let unsubscribed = false;
    const discovery = Object.assign(new StaticDiscovery({}), {
      watch: (_service: string, next: MembershipListener) => {
        listener = next;
        next([]);
        return () => {
          unsubscribed = true;
        };
      },
    });
    const pool = new InstancePool(discovery, 'query', Ingest);
    const a: ServiceInstance = { id: 'a', address: '127.0.0.1:1' };
    const b: ServiceInstance = { id: 'b', address: '127.0.0.1:2' };

    listener([a, b]);
    const [clientA, clientB] = pool.members().map(member => member.client);
    const closed = new Set<unknown>();
    for (const client of [clientA, clientB]) {
      if (client === undefined) continue;
      const close = client.close.bind(client);
      client.close = () => {
        closed.add(client);
        close();
      };
    }

    listener([b, { id: 'c', address: '127.0.0.1:3' }]);
    expect(pool.members().map(member => member.instance.id)).toEqual(['b', 'c']);
    expect(pool.members()[0]?.client).toBe(clientB);
    expect(closed.has(clientA)).toBe(true);
    expect(closed.has(clientB)).toBe(false);

    // Same id, new address: a new client.
    listener([{ id: 'b', address: '127.0.0.1:4' }]);
    expect(closed.has(clientB)).toBe(true);
    expect(pool.size).toBe(1);

    pool.close();
    expect(unsubscribed).toBe(true);
    expect(pool.size).toBe(0);
  });
});

/** GetStatus rejecting with grpc-js's own ServiceError, as the gateway's calls do. */
function rawStatusVia(pool: InstancePool<IngestClient>): Promise<string> {
  return pool.call(
    client =>
      new Promise<string>((resolve, reject) => {
        client.getStatus({}, { deadline: Date.now() + 2000 }, (error, reply) =>
          error ? reject(error) : resolve(reply?.instanceId ?? ''),
        );
      }),
    { retryable: failedBeforeSending },
  );
}

describe('InstancePool with failedBeforeSending (a call that must not run twice)', () => {
  it('moves on past an instance it could not connect to', async () => {
    const [live, dead] = await Promise.all([startInstance('live'), startInstance('dead')]);
    await dead.stop();
    const pool = poolOver([dead.address, live.address]);

    expect(await rawStatusVia(pool)).toBe('live');
    expect(pool.retries).toBe(1);
  });

  it('answers the failure of an instance that got the call, even UNAVAILABLE', async () => {
    const [busy, fine] = await Promise.all([startInstance('busy'), startInstance('fine')]);
    const metadata = new Metadata();
    metadata.set(REASON_METADATA_KEY, 'COMMIT_FAILED');
    busy.fail = { code: status.UNAVAILABLE, details: 'No connection established', metadata };
    const addresses = [busy.address, fine.address];

    await expect(rawStatusVia(poolOver(addresses))).rejects.toMatchObject({
      code: status.UNAVAILABLE,
    });
    expect(fine.calls).toBe(0);
    busy.fail = { code: status.UNAVAILABLE, details: 'draining' };
    await expect(rawStatusVia(poolOver(addresses))).rejects.toMatchObject({ details: 'draining' });
    expect(fine.calls).toBe(0);
    expect(busy.calls).toBe(2);
  });
});

describe('isRetryableError', () => {
  it('retries UNAVAILABLE and connection failures only', () => {
    const grpcError = (code: status) => Object.assign(new Error('x'), { code, details: 'x' });
    expect(isRetryableError(grpcError(status.UNAVAILABLE))).toBe(true);
    expect(isRetryableError(grpcError(status.DEADLINE_EXCEEDED))).toBe(false);
    expect(isRetryableError(grpcError(status.INVALID_ARGUMENT))).toBe(false);
    expect(isRetryableError(new TabaError('UNAVAILABLE', 'X', 'x'))).toBe(true);
    expect(isRetryableError(new FailedPreconditionError('TYPE_CONFLICT', 'x'))).toBe(false);
    expect(isRetryableError(Object.assign(new Error('x'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isRetryableError(new Error('x'))).toBe(false);
    expect(isRetryableError(undefined)).toBe(false);
  });
});
