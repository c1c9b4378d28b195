import type { BuiltService, IngestHandlers, ServiceBuildContext } from '@taba/common';
import { describeInstance, loadTabaProtos } from '@taba/common';
import type { IngestConfig } from './config.js';

/** The gRPC service the ingest service serves: validates batches and folds them into per-partition Deltas. */
export const INGEST_GRPC_SERVICE = 'taba.internal.v1.Ingest';

/**
 * Adds `taba.internal.v1.Ingest` to the server; used as the `build` callback of `startService`.
 * Only GetStatus is implemented yet: grpc-js answers every method missing from the
 * handlers with UNIMPLEMENTED on its own.
 */
export function createIngestService(config: IngestConfig, deps: ServiceBuildContext): BuiltService {
  const startedAtSeconds = Date.now() / 1000;
  const handlers: Pick<IngestHandlers, 'GetStatus'> = {
    GetStatus: (_call, callback) => {
      callback(null, describeInstance(config.base, deps.address(), startedAtSeconds));
    },
  };
  deps.server.addService(loadTabaProtos().taba.internal.v1.Ingest.service, handlers);
  return { serviceNames: [INGEST_GRPC_SERVICE] };
}
