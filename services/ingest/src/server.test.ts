import type { InstanceStatus__Output } from '@taba/common';
import { describe } from 'vitest';
import { connectIngest, deadlineIn, unary } from '../../../test/support/grpc-client.js';
import { createHealthClient } from '../../../test/support/grpc-health.js';
import { startInProcess, useCleanup } from '../../../test/support/in-process-service.js';
import { useRedisServer } from '../../../test/support/redis-server.js';
import { itServesTheBasics } from '../../../test/support/service-basics.js';
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
  itServesTheBasics({
    service: 'ingest',
    grpcService: INGEST_GRPC_SERVICE,
    start: startIngest,
    health: healthClient,
    getStatus: address =>
      unary<InstanceStatus__Output>(callback =>
        ingestClient(address).getStatus({}, { deadline: deadlineIn() }, callback),
      ),
  });
});
