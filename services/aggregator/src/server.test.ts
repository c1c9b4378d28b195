import { status } from '@grpc/grpc-js';
import type { InstanceStatus__Output } from '@taba/common';
import { TABA_VERSION } from '@taba/common';
import { describe, expect, it } from 'vitest';
import { isAcceptingConnections } from '../../../test/support/free-port.js';
import {
  connectAggregator,
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
import { loadConfig } from './config.js';
import { AGGREGATOR_GRPC_SERVICE, createAggregatorService } from './server.js';

const onCleanup = useCleanup();

async function startAggregator() {
  const service = await startInProcess({
    service: 'aggregator',
    loadConfig,
    build: createAggregatorService,
  });
  onCleanup(() => service.running.stop());
  return service.running;
}

function healthClient(address: string) {
  const client = createHealthClient(address);
  onCleanup(() => client.close());
  return client;
}

function aggregatorClient(address: string) {
  const client = connectAggregator(address);
  onCleanup(() => client.close());
  return client;
}

describe('aggregator server', () => {
  it('reports SERVING for the whole server and for taba.internal.v1.Aggregator', async () => {
    const running = await startAggregator();
    const health = healthClient(running.address);

    expect(AGGREGATOR_GRPC_SERVICE).toBe('taba.internal.v1.Aggregator');
    expect(await health.check('')).toBe('SERVING');
    expect(await health.check(AGGREGATOR_GRPC_SERVICE)).toBe('SERVING');
  });

  it('GetStatus describes this instance, with its bound address', async () => {
    const before = Date.now() / 1000;
    const running = await startAggregator();
    const client = aggregatorClient(running.address);

    const self = await unary<InstanceStatus__Output>(callback =>
      client.getStatus({}, { deadline: deadlineIn() }, callback),
    );

    expect(running.address).toBe(`127.0.0.1:${running.port}`);
    expect(self).toMatchObject({
      service: 'aggregator',
      instanceId: 'aggregator-test-1',
      address: running.address,
      version: TABA_VERSION,
    });
    expect(self.startedAt).toBeGreaterThanOrEqual(Math.floor(before));
    expect(self.startedAt).toBeLessThanOrEqual(Date.now() / 1000);
  });

  it('answers UNIMPLEMENTED for methods not built yet', async () => {
    const running = await startAggregator();
    const client = aggregatorClient(running.address);

    const error = await grpcErrorOf(
      unary(callback => client.commit({}, { deadline: deadlineIn() }, callback)),
    );
    expect(error.code).toBe(status.UNIMPLEMENTED);
    expect(error.details).toContain('Commit');

    // The server is still healthy afterwards.
    expect(await healthClient(running.address).check('')).toBe('SERVING');
  });

  it('turns NOT_SERVING first on stop(), then refuses connections', async () => {
    const running = await startAggregator();

    expect(await stopWhileWatchingHealth(running)).toEqual(['SERVING', 'NOT_SERVING']);
    expect(await isAcceptingConnections(running.port)).toBe(false);
    const afterStop = await grpcErrorOf(healthClient(running.address).check(''));
    expect(afterStop.code).toBe(status.UNAVAILABLE);
  });
});
