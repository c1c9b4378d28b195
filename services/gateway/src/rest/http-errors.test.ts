import { Metadata, status } from '@grpc/grpc-js';
import {
  FailedPreconditionError,
  InvalidArgumentError,
  NotFoundError,
  REASON_METADATA_KEY,
  ResourceExhaustedError,
  TabaError,
  UnavailableError,
} from '@taba/common';
import { describe, expect, it } from 'vitest';
import {
  bodyTooLarge,
  errorResponse,
  HTTP_STATUS_OF_CODE,
  methodNotAllowed,
} from './http-errors.js';

function grpcError(code: status, details: string, reason?: string) {
  const metadata = new Metadata();
  if (reason) metadata.set(REASON_METADATA_KEY, reason);
  return Object.assign(new Error(`${code} ${details}`), { code, details, metadata });
}

describe('HTTP status of each gRPC status', () => {
  it('follows the documented table', () => {
    expect(HTTP_STATUS_OF_CODE).toEqual({
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
    });
  });
});

describe('errorResponse', () => {
  it('keeps code, reason and message of domain errors', () => {
    expect(errorResponse(new InvalidArgumentError('INVALID_JSON', 'not JSON'))).toEqual({
      status: 400,
      body: { error: { code: 'INVALID_ARGUMENT', reason: 'INVALID_JSON', message: 'not JSON' } },
      headers: {},
    });
    expect(errorResponse(new NotFoundError('UNKNOWN_PATH', 'x')).status).toBe(404);
    expect(errorResponse(new FailedPreconditionError('TYPE_CONFLICT', 'x')).status).toBe(409);
    expect(errorResponse(new ResourceExhaustedError('BATCH_TOO_LARGE', 'x')).status).toBe(429);
    expect(errorResponse(new UnavailableError('NO_INSTANCE', 'x')).status).toBe(503);
    expect(errorResponse(new TabaError('DEADLINE_EXCEEDED', 'DEADLINE_EXCEEDED', 'x')).status).toBe(
      504,
    );
  });

  it('passes a downstream status and reason through, UNIMPLEMENTED included', () => {
    expect(
      errorResponse(grpcError(status.FAILED_PRECONDITION, 'conflict', 'TYPE_CONFLICT')),
    ).toEqual({
      status: 409,
      body: {
        error: { code: 'FAILED_PRECONDITION', reason: 'TYPE_CONFLICT', message: 'conflict' },
      },
      headers: {},
    });
    const unimplemented = errorResponse(grpcError(status.UNIMPLEMENTED, 'not yet'));
    expect(unimplemented.status).toBe(501);
    expect(unimplemented.body.error).toEqual({
      code: 'UNIMPLEMENTED',
      reason: 'UNIMPLEMENTED',
      message: 'not yet',
    });
    // Wrapped (e.g. by the line protocol's per-client message), still found through `cause`.
    const wrapped = new TabaError('INTERNAL', 'UNIMPLEMENTED', 'client "c1": not yet', {
      cause: grpcError(status.UNIMPLEMENTED, 'not yet'),
    });
    expect(errorResponse(wrapped).status).toBe(501);
    expect(errorResponse(grpcError(status.DEADLINE_EXCEEDED, 'late')).status).toBe(504);
  });

  it('hides anything else behind a 500 with a generic message', () => {
    expect(errorResponse(new Error('secret /etc/passwd'))).toEqual({
      status: 500,
      body: { error: { code: 'INTERNAL', reason: 'INTERNAL', message: 'internal error' } },
      headers: {},
    });
    expect(errorResponse('a string').status).toBe(500);
  });

  it('answers 413 and 405 (with Allow) for the bridge’s own errors', () => {
    expect(errorResponse(bodyTooLarge(10))).toEqual({
      status: 413,
      body: {
        error: {
          code: 'RESOURCE_EXHAUSTED',
          reason: 'BODY_TOO_LARGE',
          message: 'the request body is larger than the limit of 10 bytes',
        },
      },
      headers: {},
    });
    const wrongMethod = errorResponse(methodNotAllowed('PUT', '/v1/tabs', ['GET', 'DELETE']));
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers).toEqual({ allow: 'GET, DELETE' });
    expect(wrongMethod.body.error.message).toBe(
      'PUT is not allowed on /v1/tabs; use GET or DELETE',
    );
  });
});
