import { status } from '@grpc/grpc-js';
import type { ErrorKind, TabaErrorOptions } from '@taba/common';
import { fromGrpcError, TabaError } from '@taba/common';
import { downstreamCode } from '../call-status.js';

/** The `code` of a REST error: a gRPC status name. */
export type RestErrorCode = ErrorKind | 'UNIMPLEMENTED';

/** Every REST error answers this body. */
export interface ErrorBody {
  readonly error: {
    readonly code: RestErrorCode;
    /** Stable and machine-readable, e.g. TYPE_CONFLICT, BODY_TOO_LARGE, UNKNOWN_PARAMETER. */
    readonly reason: string;
    /** For people. */
    readonly message: string;
  };
}

export interface ErrorResponse {
  readonly status: number;
  readonly body: ErrorBody;
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * The HTTP status of each gRPC status. FAILED_PRECONDITION (a type or bounds conflict with what
 * is stored) is 409 Conflict: retrying the same request fails the same way until the stored
 * state changes, which is what 409 means.
 */
export const HTTP_STATUS_OF_CODE: Readonly<Record<RestErrorCode, number>> = {
  INVALID_ARGUMENT: 400,
  NOT_FOUND: 404,
  FAILED_PRECONDITION: 409,
  RESOURCE_EXHAUSTED: 429,
  UNAVAILABLE: 503,
  DEADLINE_EXCEEDED: 504,
  UNAUTHENTICATED: 401,
  PERMISSION_DENIED: 403,
  UNIMPLEMENTED: 501,
  INTERNAL: 500,
};

/** An error of the REST bridge itself whose HTTP status is not the one of its kind (413, 405). */
export class HttpError extends TabaError {
  override readonly name = 'HttpError';
  constructor(
    readonly httpStatus: number,
    kind: ErrorKind,
    reason: string,
    message: string,
    readonly headers: Readonly<Record<string, string>> = {},
    options?: TabaErrorOptions,
  ) {
    super(kind, reason, message, options);
  }
}

/** 413: the body is larger than TABA_MAX_BODY_BYTES. */
export function bodyTooLarge(limit: number): HttpError {
  return new HttpError(
    413,
    'RESOURCE_EXHAUSTED',
    'BODY_TOO_LARGE',
    `the request body is larger than the limit of ${limit} bytes`,
  );
}

/** 405, with the Allow header listing what the path takes. */
export function methodNotAllowed(
  method: string,
  path: string,
  allowed: readonly string[],
): HttpError {
  return new HttpError(
    405,
    'INVALID_ARGUMENT',
    'METHOD_NOT_ALLOWED',
    `${method} is not allowed on ${path}; use ${allowed.join(' or ')}`,
    { allow: allowed.join(', ') },
  );
}

/**
 * The answer for anything thrown while serving a request: domain and downstream errors keep
 * their code, reason and message (the HTTP status from {@link HTTP_STATUS_OF_CODE}); anything
 * else is a 500 with a generic message (log the cause where it is caught).
 */
export function errorResponse(error: unknown): ErrorResponse {
  if (error instanceof HttpError) {
    return {
      status: error.httpStatus,
      body: { error: { code: error.kind, reason: error.reason, message: error.message } },
      headers: error.headers,
    };
  }
  const taba = fromGrpcError(error);
  const code: RestErrorCode =
    downstreamCode(error) === status.UNIMPLEMENTED ? 'UNIMPLEMENTED' : taba.kind;
  return {
    status: HTTP_STATUS_OF_CODE[code],
    body: { error: { code, reason: taba.reason, message: taba.message } },
    headers: {},
  };
}
