import { status } from '@grpc/grpc-js';
import type { InstanceStatus__Output } from '@taba/common';
import { TABA_VERSION } from '@taba/common';
import { describe, expect, it } from 'vitest';
import { isAcceptingConnections } from '../../../test/support/free-port.js';
import { connectQuery, deadlineIn, grpcErrorOf, unary } from '../../../test/support/grpc-client.js';
import { createHealthClient } from '../../../test/support/grpc-health.js';
import {
  startInProcess,
  stopWhileWatchingHealth,
  useCleanup,
} from '../../../test/support/in-process-service.js';
import { useRedisServer } from '../../../test/support/redis-server.js';
import { loadConfig } from './config.js';
import { createQueryService, QUERY_GRPC_SERVICE } from './server.js';

const onCleanup = useCleanup();
const redis = useRedisServer();

async function startQuery() {
  const service = await startInProcess(
    { service: 'query', loadConfig, build: createQueryService },
    { TABA_REDIS_SHARDS: redis().url },
  );
  onCleanup(() => service.running.stop());
  return service.running;
}

function healthClient(address: string) {
  const client = createHealthClient(address);
  onCleanup(() => client.close());
  return client;
}

function queryClient(address: string) {
  const client = connectQuery(address);
  onCleanup(() => client.close());
  return client;
}

describe('query server', () => {
  it('reports SERVING for the whole server and for taba.internal.v1.Query', async () => {
    const running = await startQuery();
    const health = healthClient(running.address);

    expect(QUERY_GRPC_SERVICE).toBe('taba.internal.v1.Query');
    expect(await health.check('')).toBe('SERVING');
    expect(await health.check(QUERY_GRPC_SERVICE)).toBe('SERVING');
  });

  it('GetStatus describes this instance, with its bound address', async () => {
    const before = Date.now() / 1000;
    const running = await startQuery();
    const client = queryClient(running.address);

    const self = await unary<InstanceStatus__Output>(callback =>
      client.getStatus({}, { deadline: deadlineIn() }, callback),
    );

    expect(running.address).toBe(`127.0.0.1:${running.port}`);
    expect(self).toMatchObject({
      service: 'query',
      instanceId: 'query-test-1',
      address: running.address,
      version: TABA_VERSION,
    });
    expect(self.startedAt).toBeGreaterThanOrEqual(Math.floor(before));
    expect(self.startedAt).toBeLessThanOrEqual(Date.now() / 1000);
  });

  it('serves every Query method, answering domain errors with their status', async () => {
    const running = await startQuery();
    const client = queryClient(running.address);

    const names = await unary<{ names: string[] }>(callback =>
      client.listNames({}, { deadline: deadlineIn() }, callback),
    );
    expect(names.names).toEqual([]);

    const remove = await grpcErrorOf(
      unary(callback => client.deleteTabs({}, { deadline: deadlineIn() }, callback)),
    );
    expect(remove.code).toBe(status.INVALID_ARGUMENT);

    // The server is still healthy afterwards.
    expect(await healthClient(running.address).check('')).toBe('SERVING');
  });

  it('turns NOT_SERVING first on stop(), then refuses connections', async () => {
    const running = await startQuery();

    expect(await stopWhileWatchingHealth(running)).toEqual(['SERVING', 'NOT_SERVING']);
    expect(await isAcceptingConnections(running.port)).toBe(false);
    const afterStop = await grpcErrorOf(healthClient(running.address).check(''));
    expect(afterStop.code).toBe(status.UNAVAILABLE);
  });
});
