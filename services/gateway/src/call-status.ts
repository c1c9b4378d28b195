import { status } from '@grpc/grpc-js';
import type { GrpcErrorStatus, Logger } from '@taba/common';
import { fromGrpcError, isGrpcServiceError, isTabaError, toGrpcStatus } from '@taba/common';

/**
 * The gRPC status code of the downstream failure behind `error` (itself or a `cause` of it, a
 * few levels deep), or undefined when no gRPC call failed.
 */
export function downstreamCode(error: unknown): status | undefined {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current !== undefined; depth += 1) {
    if (isGrpcServiceError(current)) return current.code;
    current = current instanceof Error ? current.cause : undefined;
  }
  return undefined;
}

/** True when `error` is neither a domain error nor a downstream status: a bug to log. */
export function isUnexpectedError(error: unknown): boolean {
  return !isTabaError(error) && !isGrpcServiceError(error);
}

/**
 * The status a gateway handler answers for `error`: the downstream status and `taba-reason`
 * pass through (`fromGrpcError`, then `toGrpcStatus`), anything else is INTERNAL. UNIMPLEMENTED
 * (a method the callee does not serve yet), which has no TabaError kind, keeps its code.
 */
export function toCallStatus(error: unknown): GrpcErrorStatus {
  const mapped = toGrpcStatus(fromGrpcError(error));
  if (downstreamCode(error) === status.UNIMPLEMENTED) {
    return { ...mapped, code: status.UNIMPLEMENTED };
  }
  return mapped;
}

/** Aborts when the caller cancels its call (or it runs past its deadline). */
export function cancellationOf(call: {
  readonly cancelled: boolean;
  once(event: 'cancelled', listener: () => void): unknown;
}): AbortSignal {
  const controller = new AbortController();
  if (call.cancelled) controller.abort();
  else call.once('cancelled', () => controller.abort());
  return controller.signal;
}

/** Logs what is not a domain error or a downstream status (a bug) before it becomes INTERNAL. */
export function logUnexpected(logger: Logger, method: string, error: unknown): void {
  if (isUnexpectedError(error)) logger.error({ err: error, method }, 'gateway call failed');
}
