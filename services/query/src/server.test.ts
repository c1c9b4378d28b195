import { status } from '@grpc/grpc-js';
import type { InstanceStatus__Output } from '@taba/common';
import { describe, expect, it } from 'vitest';
import { connectQuery, deadlineIn, grpcErrorOf, unary } from '../../../test/support/grpc-client.js';
import { createHealthClient } from '../../../test/support/grpc-health.js';
import { startInProcess, useCleanup } from '../../../test/support/in-process-service.js';
import { useRedisServer } from '../../../test/support/redis-server.js';
import { itServesTheBasics } from '../../../test/support/service-basics.js';
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
  itServesTheBasics({
    service: 'query',
    grpcService: QUERY_GRPC_SERVICE,
    start: startQuery,
    health: healthClient,
    getStatus: address =>
      unary<InstanceStatus__Output>(callback =>
        queryClient(address).getStatus({}, { deadline: deadlineIn() }, callback),
      ),
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
});
