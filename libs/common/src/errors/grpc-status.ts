import { Metadata, status } from '@grpc/grpc-js';
import type { ErrorKind } from './taba-error.js';
import { isTabaError, TabaError } from './taba-error.js';
import { boundedStatusDetails } from './message-bounds.js';

/** Metadata key carrying the machine-readable reason of an error. */
export const REASON_METADATA_KEY = 'taba-reason';

const KIND_TO_STATUS: Readonly<Record<ErrorKind, status>> = {
  INVALID_ARGUMENT: status.INVALID_ARGUMENT,
  NOT_FOUND: status.NOT_FOUND,
  FAILED_PRECONDITION: status.FAILED_PRECONDITION,
  RESOURCE_EXHAUSTED: status.RESOURCE_EXHAUSTED,
  UNAVAILABLE: status.UNAVAILABLE,
  DEADLINE_EXCEEDED: status.DEADLINE_EXCEEDED,
  UNAUTHENTICATED: status.UNAUTHENTICATED,
  PERMISSION_DENIED: status.PERMISSION_DENIED,
  INTERNAL: status.INTERNAL,
};

/** A status object as grpc-js handlers pass to their callback. */
export interface GrpcErrorStatus {
  readonly code: status;
  readonly details: string;
  readonly metadata: Metadata;
}

/**
 * The single mapping from anything thrown to a gRPC status. Domain errors keep their
 * message and reason; anything else becomes INTERNAL with a generic message, so no
 * internal detail leaks (log the cause where it is caught).
 */
export function toGrpcStatus(error: unknown): GrpcErrorStatus {
  const metadata = new Metadata();
  if (isTabaError(error)) {
    metadata.set(REASON_METADATA_KEY, error.reason);
    return {
      code: KIND_TO_STATUS[error.kind],
      details: boundedStatusDetails(error.message),
      metadata,
    };
  }
  metadata.set(REASON_METADATA_KEY, 'INTERNAL');
  return { code: status.INTERNAL, details: 'internal error', metadata };
}

const STATUS_TO_KIND = new Map<number, ErrorKind>(
  Object.entries(KIND_TO_STATUS).map(([kind, code]) => [code, kind as ErrorKind]),
);

/** The shape of an error that grpc-js gives a client. */
export interface GrpcServiceErrorLike {
  readonly code: number;
  readonly details: string;
  readonly metadata?: Metadata;
}

/** True when `error` came from a gRPC call (it carries a numeric status code). */
export function isGrpcServiceError(error: unknown): error is GrpcServiceErrorLike & Error {
  return (
    error instanceof Error &&
    typeof (error as Partial<GrpcServiceErrorLike>).code === 'number' &&
    typeof (error as Partial<GrpcServiceErrorLike>).details === 'string'
  );
}

/**
 * Turns a gRPC client error back into a TabaError, so a service that calls another
 * passes the callee's status and reason through unchanged.
 */
export function fromGrpcError(error: unknown): TabaError {
  if (isTabaError(error)) return error;
  if (!isGrpcServiceError(error)) {
    return new TabaError('INTERNAL', 'INTERNAL', 'internal error', { cause: error });
  }
  const kind: ErrorKind =
    STATUS_TO_KIND.get(error.code) ??
    (error.code === status.CANCELLED ? 'UNAVAILABLE' : 'INTERNAL');
  const reason = String(error.metadata?.get(REASON_METADATA_KEY)[0] ?? status[error.code] ?? kind);
  return new TabaError(kind, reason, error.details, { cause: error });
}
