import { Metadata, status } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { fromGrpcError, REASON_METADATA_KEY, toGrpcStatus } from './grpc-status.js';
import {
  FailedPreconditionError,
  InvalidArgumentError,
  ResourceExhaustedError,
  TabaError,
} from './taba-error.js';

describe('toGrpcStatus', () => {
  it('maps each domain error to its status with message and reason', () => {
    const invalid = toGrpcStatus(new InvalidArgumentError('BAD_NAME', 'name is empty'));
    expect(invalid.code).toBe(status.INVALID_ARGUMENT);
    expect(invalid.details).toBe('name is empty');
    expect(invalid.metadata.get(REASON_METADATA_KEY)).toEqual(['BAD_NAME']);
    expect(toGrpcStatus(new ResourceExhaustedError('BATCH_TOO_LARGE', 'x')).code).toBe(
      status.RESOURCE_EXHAUSTED,
    );
    expect(toGrpcStatus(new FailedPreconditionError('TYPE_CONFLICT', 'x')).code).toBe(
      status.FAILED_PRECONDITION,
    );
  });

  it('hides unknown errors behind INTERNAL', () => {
    const mapped = toGrpcStatus(new Error('secret detail at /etc/passwd'));
    expect(mapped.code).toBe(status.INTERNAL);
    expect(mapped.details).toBe('internal error');
    expect(toGrpcStatus('a string').code).toBe(status.INTERNAL);
  });
});

describe('fromGrpcError', () => {
  it('restores kind and reason from a client error', () => {
    const metadata = new Metadata();
    metadata.set(REASON_METADATA_KEY, 'TYPE_CONFLICT');
    const error = Object.assign(new Error('9 FAILED_PRECONDITION: conflict'), {
      code: status.FAILED_PRECONDITION,
      details: 'conflict',
      metadata,
    });
    const restored = fromGrpcError(error);
    expect(restored).toBeInstanceOf(TabaError);
    expect(restored.kind).toBe('FAILED_PRECONDITION');
    expect(restored.reason).toBe('TYPE_CONFLICT');
    expect(restored.message).toBe('conflict');
  });

  it('treats a cancelled call as unavailable and a plain error as internal', () => {
    const cancelled = Object.assign(new Error('cancelled'), {
      code: status.CANCELLED,
      details: 'x',
    });
    expect(fromGrpcError(cancelled).kind).toBe('UNAVAILABLE');
    expect(fromGrpcError(new Error('boom')).kind).toBe('INTERNAL');
  });
});
