import type { handleUnaryCall } from '@grpc/grpc-js';
import type { InstanceStatus, StatusResponse } from '@taba/common';
import type { GatewayAuth } from './auth/gateway-auth.js';
import type { Grant } from './auth/scopes.js';
import { toCallStatus } from './call-status.js';
import type { Downstream } from './downstream.js';

/** Answers the status of the gateway and of every instance it reaches. */
export type StatusSource = (callerDeadline?: Date | number) => Promise<StatusResponse>;

/**
 * The gateway's own InstanceStatus first, then GetStatus of every ingest, query and aggregator
 * instance that discovery reports (each bounded; an unreachable one carries `details.error`).
 */
export function statusSource(self: () => InstanceStatus, downstream: Downstream): StatusSource {
  return async callerDeadline => {
    const others = await downstream.instanceStatuses(downstream.deadline(callerDeadline));
    return { instances: [self(), ...others] };
  };
}

/**
 * What a grant may see of the status: everything with admin; with read only, every instance's
 * metrics without its details (addresses, members, errors say how the cluster is laid out).
 */
export function statusFor(grant: Grant, response: StatusResponse): StatusResponse {
  if (grant.admin) return response;
  return { instances: (response.instances ?? []).map(instance => ({ ...instance, details: {} })) };
}

export function statusHandler(
  source: StatusSource,
  auth: GatewayAuth,
): handleUnaryCall<unknown, StatusResponse> {
  // instanceStatuses never rejects: every failure is one instance's `details.error`.
  return (call, callback) => {
    let grant: Grant;
    try {
      grant = auth.grantOfCall(call.getPath(), call.metadata);
    } catch (error) {
      callback(toCallStatus(error));
      return;
    }
    source(call.getDeadline()).then(
      response => callback(null, statusFor(grant, response)),
      (error: unknown) => callback(toCallStatus(error)),
    );
  };
}
