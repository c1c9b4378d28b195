import { status } from '@grpc/grpc-js';
import type { InstanceStatus__Output } from '@taba/common';
import { ConfigError, TABA_VERSION } from '@taba/common';
import { describe, expect, it } from 'vitest';
import { isAcceptingConnections } from '../../../test/support/free-port.js';
import { connectTaba, deadlineIn, grpcErrorOf, unary } from '../../../test/support/grpc-client.js';
import { createHealthClient } from '../../../test/support/grpc-health.js';
import {
  startInProcess,
  stopWhileWatchingHealth,
  useCleanup,
} from '../../../test/support/in-process-service.js';
import { DEFAULT_REST_ADDRESS, loadConfig } from './config.js';
import { createGatewayService, GATEWAY_GRPC_SERVICE } from './server.js';

const onCleanup = useCleanup();

async function startGateway() {
  const service = await startInProcess({
    service: 'gateway',
    loadConfig,
    build: createGatewayService,
  });
  onCleanup(() => service.running.stop());
  return service.running;
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

  it('answers UNIMPLEMENTED for methods not built yet, unary and streaming', async () => {
    const running = await startGateway();
    const client = gatewayClient(running.address);

    const post = await grpcErrorOf(
      unary(callback =>
        client.postEvents({ clientId: 'c1' }, { deadline: deadlineIn() }, callback),
      ),
    );
    expect(post.code).toBe(status.UNIMPLEMENTED);
    expect(post.details).toContain('PostEvents');

    const query = await grpcErrorOf(
      unary(callback => client.getAggregates({}, { deadline: deadlineIn() }, callback)),
    );
    expect(query.code).toBe(status.UNIMPLEMENTED);

    const stream = await grpcErrorOf(
      unary(callback => {
        const call = client.streamEvents({ deadline: deadlineIn() }, callback);
        call.write({ clientId: 'c1' });
        call.end();
      }),
    );
    expect(stream.code).toBe(status.UNIMPLEMENTED);

    // The server is still healthy afterwards.
    expect(await healthClient(running.address).check('')).toBe('SERVING');
  });

  it('turns NOT_SERVING first on stop(), then refuses connections', async () => {
    const running = await startGateway();

    expect(await stopWhileWatchingHealth(running)).toEqual(['SERVING', 'NOT_SERVING']);
    expect(await isAcceptingConnections(running.port)).toBe(false);
    const afterStop = await grpcErrorOf(healthClient(running.address).check(''));
    expect(afterStop.code).toBe(status.UNAVAILABLE);
  });
});

describe('gateway loadConfig', () => {
  it('reads the base config and defaults the REST address', () => {
    const config = loadConfig({});
    expect(config.base.service).toBe('gateway');
    expect(config.base.grpcAddress).toBe('127.0.0.1:8301');
    expect(config.restAddress).toBe(DEFAULT_REST_ADDRESS);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reads TABA_REST_ADDRESS and rejects a malformed one, naming the variable', () => {
    expect(loadConfig({ TABA_REST_ADDRESS: '0.0.0.0:9000' }).restAddress).toBe('0.0.0.0:9000');
    expect(() => loadConfig({ TABA_REST_ADDRESS: 'nonsense' })).toThrow(ConfigError);
    expect(() => loadConfig({ TABA_REST_ADDRESS: 'nonsense' })).toThrow(/^TABA_REST_ADDRESS: /);
  });
});
