/**
 * Domain errors. Every failure a caller should understand is a TabaError with a
 * status class (what kind of failure, mapped once to gRPC and HTTP at the edges)
 * and a stable machine-readable reason (e.g. TYPE_CONFLICT, BATCH_TOO_LARGE).
 */

/** What kind of failure: the values are the gRPC status names they map to. */
export type ErrorKind =
  | 'INVALID_ARGUMENT'
  | 'NOT_FOUND'
  | 'FAILED_PRECONDITION'
  | 'RESOURCE_EXHAUSTED'
  | 'UNAVAILABLE'
  | 'DEADLINE_EXCEEDED'
  | 'UNAUTHENTICATED'
  | 'PERMISSION_DENIED'
  | 'INTERNAL';

export interface TabaErrorOptions {
  readonly cause?: unknown;
}

export class TabaError extends Error {
  override readonly name: string = 'TabaError';
  constructor(
    readonly kind: ErrorKind,
    readonly reason: string,
    message: string,
    options: TabaErrorOptions = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
  }
}

/** The request is wrong; retrying it unchanged fails again. */
export class InvalidArgumentError extends TabaError {
  override readonly name = 'InvalidArgumentError';
  constructor(reason: string, message: string, options?: TabaErrorOptions) {
    super('INVALID_ARGUMENT', reason, message, options);
  }
}

/** The thing asked for does not exist. */
export class NotFoundError extends TabaError {
  override readonly name = 'NotFoundError';
  constructor(reason: string, message: string, options?: TabaErrorOptions) {
    super('NOT_FOUND', reason, message, options);
  }
}

/** The request conflicts with stored state (e.g. a Tab's type or histogram bounds). */
export class FailedPreconditionError extends TabaError {
  override readonly name = 'FailedPreconditionError';
  constructor(reason: string, message: string, options?: TabaErrorOptions) {
    super('FAILED_PRECONDITION', reason, message, options);
  }
}

/** A limit was hit (batch size, back-pressure); retry later or send less. */
export class ResourceExhaustedError extends TabaError {
  override readonly name = 'ResourceExhaustedError';
  constructor(reason: string, message: string, options?: TabaErrorOptions) {
    super('RESOURCE_EXHAUSTED', reason, message, options);
  }
}

/** A dependency is down; retrying (elsewhere) may succeed. */
export class UnavailableError extends TabaError {
  override readonly name = 'UnavailableError';
  constructor(reason: string, message: string, options?: TabaErrorOptions) {
    super('UNAVAILABLE', reason, message, options);
  }
}

/** No credential, or one nobody issued; retrying without a new one fails again. */
export class UnauthenticatedError extends TabaError {
  override readonly name = 'UnauthenticatedError';
  constructor(reason: string, message: string, options?: TabaErrorOptions) {
    super('UNAUTHENTICATED', reason, message, options);
  }
}

/** The credential is known but does not grant this call (a scope, a client ID). */
export class PermissionDeniedError extends TabaError {
  override readonly name = 'PermissionDeniedError';
  constructor(reason: string, message: string, options?: TabaErrorOptions) {
    super('PERMISSION_DENIED', reason, message, options);
  }
}

/** True for a TabaError, also across duplicated copies of this module. */
export function isTabaError(error: unknown): error is TabaError {
  return (
    error instanceof TabaError ||
    (error instanceof Error &&
      typeof (error as Partial<TabaError>).kind === 'string' &&
      typeof (error as Partial<TabaError>).reason === 'string')
  );
}
