import type { BuiltService, ServiceBuildContext, TabaHandlers } from '@taba/common';
import { describeInstance, loadTabaProtos } from '@taba/common';
import type { GatewayConfig } from './config.js';

/** The gRPC service the gateway serves: the public contract, for clients of any language. */
export const GATEWAY_GRPC_SERVICE = 'taba.v1.Taba';

/**
 * Adds `taba.v1.Taba` to the server; used as the `build` callback of `startService`.
 * Only GetStatus is implemented yet: grpc-js answers every method missing from the
 * handlers with UNIMPLEMENTED on its own.
 */
export function createGatewayService(
  config: GatewayConfig,
  deps: ServiceBuildContext,
): BuiltService {
  const startedAtSeconds = Date.now() / 1000;
  const handlers: Pick<TabaHandlers, 'GetStatus'> = {
    // Only this instance for now; the members it discovers join the list later.
    GetStatus: (_call, callback) => {
      callback(null, {
        instances: [describeInstance(config.base, deps.address(), startedAtSeconds)],
      });
    },
  };
  deps.server.addService(loadTabaProtos().taba.v1.Taba.service, handlers);
  return { serviceNames: [GATEWAY_GRPC_SERVICE] };
}
