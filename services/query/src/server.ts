import type { BuiltService, QueryHandlers, ServiceBuildContext } from '@taba/common';
import { describeInstance, loadTabaProtos } from '@taba/common';
import type { QueryConfig } from './config.js';

/** The gRPC service the query service serves: reads and deletes Tabs for the gateway. */
export const QUERY_GRPC_SERVICE = 'taba.internal.v1.Query';

/**
 * Adds `taba.internal.v1.Query` to the server; used as the `build` callback of `startService`.
 * Only GetStatus is implemented yet: grpc-js answers every method missing from the
 * handlers with UNIMPLEMENTED on its own.
 */
export function createQueryService(config: QueryConfig, deps: ServiceBuildContext): BuiltService {
  const startedAtSeconds = Date.now() / 1000;
  const handlers: Pick<QueryHandlers, 'GetStatus'> = {
    GetStatus: (_call, callback) => {
      callback(null, describeInstance(config.base, deps.address(), startedAtSeconds));
    },
  };
  deps.server.addService(loadTabaProtos().taba.internal.v1.Query.service, handlers);
  return { serviceNames: [QUERY_GRPC_SERVICE] };
}
