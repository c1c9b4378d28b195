import type { handleUnaryCall } from '@grpc/grpc-js';
import type { InstanceStatus, StatusResponse } from '@taba/common';
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

export function statusHandler(source: StatusSource): handleUnaryCall<unknown, StatusResponse> {
  // instanceStatuses never rejects: every failure is one instance's `details.error`.
  return (call, callback) => {
    source(call.getDeadline()).then(
      response => callback(null, response),
      (error: unknown) => callback(toCallStatus(error)),
    );
  };
}
