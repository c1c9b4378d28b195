import type { AggregatorHandlers, BuiltService, ServiceBuildContext } from '@taba/common';
import { describeInstance, loadTabaProtos } from '@taba/common';
import type { AggregatorConfig } from './config.js';

/** The gRPC service the aggregator service serves: commits Deltas of the partitions it owns. */
export const AGGREGATOR_GRPC_SERVICE = 'taba.internal.v1.Aggregator';

/**
 * Adds `taba.internal.v1.Aggregator` to the server; used as the `build` callback of `startService`.
 * Only GetStatus is implemented yet: grpc-js answers every method missing from the
 * handlers with UNIMPLEMENTED on its own.
 */
export function createAggregatorService(
  config: AggregatorConfig,
  deps: ServiceBuildContext,
): BuiltService {
  const startedAtSeconds = Date.now() / 1000;
  const handlers: Pick<AggregatorHandlers, 'GetStatus'> = {
    GetStatus: (_call, callback) => {
      callback(null, describeInstance(config.base, deps.address(), startedAtSeconds));
    },
  };
  deps.server.addService(loadTabaProtos().taba.internal.v1.Aggregator.service, handlers);
  return { serviceNames: [AGGREGATOR_GRPC_SERVICE] };
}
