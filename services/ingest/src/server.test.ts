import { status } from '@grpc/grpc-js';
import type { InstanceStatus__Output } from '@taba/common';
import { TABA_VERSION } from '@taba/common';
import { describe, expect, it } from 'vitest';
import { isAcceptingConnections } from '../../../test/support/free-port.js';
import {
  connectIngest,
  deadlineIn,
  grpcErrorOf,
  unary,
} from '../../../test/support/grpc-client.js';
import { createHealthClient } from '../../../test/support/grpc-health.js';
import {
  startInProcess,
  stopWhileWatchingHealth,
  useCleanup,
} from '../../../test/support/in-process-service.js';
import { useRedisServer } from '../../../test/support/redis-server.js';
import { loadConfig } from './config.js';
import { createIngestService, INGEST_GRPC_SERVICE } from './server.js';

const onCleanup = useCleanup();

const redis = useRedisServer();

async function startIngest() {
  const service = await startInProcess(
    {
      service: 'ingest',
      loadConfig,
      build: createIngestService,
    },
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

function ingestClient(address: string) {
  const client = connectIngest(address);
  onCleanup(() => client.close());
  return client;
}

describe('ingest server', () => {
  it('reports SERVING for the whole server and for taba.internal.v1.Ingest', async () => {
    const running = await startIngest();
    const health = healthClient(running.address);

    expect(INGEST_GRPC_SERVICE).toBe('taba.internal.v1.Ingest');
    expect(await health.check('')).toBe('SERVING');
    expect(await health.check(INGEST_GRPC_SERVICE)).toBe('SERVING');
  });

  it('GetStatus describes this instance, with its bound address', async () => {
    const before = Date.now() / 1000;
    const running = await startIngest();
    const client = ingestClient(running.address);

    const self = await unary<InstanceStatus__Output>(callback =>
      client.getStatus({}, { deadline: deadlineIn() }, callback),
    );

    expect(running.address).toBe(`127.0.0.1:${running.port}`);
    expect(self).toMatchObject({
      service: 'ingest',
      instanceId: 'ingest-test-1',
      address: running.address,
      version: TABA_VERSION,
    });
    expect(self.startedAt).toBeGreaterThanOrEqual(Math.floor(before));
    expect(self.startedAt).toBeLessThanOrEqual(Date.now() / 1000);
  });

  it('turns NOT_SERVING first on stop(), then refuses connections', async () => {
    const running = await startIngest();

    expect(await stopWhileWatchingHealth(running)).toEqual(['SERVING', 'NOT_SERVING']);
    expect(await isAcceptingConnections(running.port)).toBe(false);
    const afterStop = await grpcErrorOf(healthClient(running.address).check(''));
    expect(afterStop.code).toBe(status.UNAVAILABLE);
  });
});
