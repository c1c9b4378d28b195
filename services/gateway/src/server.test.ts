import { status } from '@grpc/grpc-js';
import type { InstanceStatus__Output } from '@taba/common';
import { REASON_METADATA_KEY, StaticDiscovery, TABA_VERSION } from '@taba/common';
import { describe, expect, it } from 'vitest';
import { isAcceptingConnections } from '../../../test/support/free-port.js';
import { connectTaba, deadlineIn, grpcErrorOf, unary } from '../../../test/support/grpc-client.js';
import { createHealthClient } from '../../../test/support/grpc-health.js';
import {
  startInProcess,
  stopWhileWatchingHealth,
  useCleanup,
} from '../../../test/support/in-process-service.js';
import { loadConfig } from './config.js';
import { createGatewayService, GATEWAY_GRPC_SERVICE } from './server.js';

const onCleanup = useCleanup();

/** A gateway whose discovery knows no instance: REST on a free port too. */
async function startGateway() {
  let restAddress = '';
  const service = await startInProcess(
    {
      service: 'gateway',
      loadConfig,
      build: async (config, context) => {
        const built = await createGatewayService(config, context, {
          discovery: new StaticDiscovery({}),
        });
        restAddress = built.restAddress;
        return built;
      },
    },
    { TABA_REST_ADDRESS: '127.0.0.1:0' },
  );
  onCleanup(() => service.running.stop());
  return Object.assign(service.running, { restAddress });
}

function healthClient(address: string) {
  const client = createHealthClient(address);
  onCleanup(() => client.close());
  return client;
}

function gatewayClient(address: string) {
  const client = connectTaba(address);
  onCleanup(() => client.close());
  return client;
}

describe('gateway server', () => {
  it('reports SERVING for the whole server and for taba.v1.Taba', async () => {
    const running = await startGateway();
    const health = healthClient(running.address);

    expect(GATEWAY_GRPC_SERVICE).toBe('taba.v1.Taba');
    expect(await health.check('')).toBe('SERVING');
    expect(await health.check(GATEWAY_GRPC_SERVICE)).toBe('SERVING');
  });

  it('GetStatus lists this instance, with its bound address', async () => {
    const before = Date.now() / 1000;
    const running = await startGateway();
    const client = gatewayClient(running.address);

    const reply = await unary<{ instances: InstanceStatus__Output[] }>(callback =>
      client.getStatus({}, { deadline: deadlineIn() }, callback),
    );

    expect(running.address).toBe(`127.0.0.1:${running.port}`);
    expect(reply.instances).toHaveLength(1);
    const [self] = reply.instances;
    expect(self).toMatchObject({
      service: 'gateway',
      instanceId: 'gateway-test-1',
      address: running.address,
      version: TABA_VERSION,
    });
    expect(self?.startedAt).toBeGreaterThanOrEqual(Math.floor(before));
    expect(self?.startedAt).toBeLessThanOrEqual(Date.now() / 1000);
  });

  it('answers UNAVAILABLE (NO_INSTANCE) when discovery knows no instance, unary and streaming', async () => {
    const running = await startGateway();
    const client = gatewayClient(running.address);

    const post = await grpcErrorOf(
      unary(callback =>
        client.postEvents({ clientId: 'c1' }, { deadline: deadlineIn() }, callback),
      ),
    );
    expect(post.code).toBe(status.UNAVAILABLE);
    expect(post.metadata.get(REASON_METADATA_KEY)).toEqual(['NO_INSTANCE']);
    expect(post.details).toContain('ingest');

    const query = await grpcErrorOf(
      unary(callback => client.getAggregates({}, { deadline: deadlineIn() }, callback)),
    );
    expect(query.code).toBe(status.UNAVAILABLE);
    expect(query.details).toContain('query');

    const stream = await grpcErrorOf(
      unary(callback => {
        const call = client.streamEvents({ deadline: deadlineIn() }, callback);
        call.write({ clientId: 'c1' });
        call.end();
      }),
    );
    expect(stream.code).toBe(status.UNAVAILABLE);

    // The server is still healthy afterwards.
    expect(await healthClient(running.address).check('')).toBe('SERVING');
  });

  it('turns NOT_SERVING first on stop(), then refuses connections, gRPC and REST', async () => {
    const running = await startGateway();

    const restPort = Number(running.restAddress.split(':')[1]);
    expect(await isAcceptingConnections(restPort)).toBe(true);

    expect(await stopWhileWatchingHealth(running)).toEqual(['SERVING', 'NOT_SERVING']);
    expect(await isAcceptingConnections(running.port)).toBe(false);
    expect(await isAcceptingConnections(restPort)).toBe(false);
    const afterStop = await grpcErrorOf(healthClient(running.address).check(''));
    expect(afterStop.code).toBe(status.UNAVAILABLE);
  });
});
