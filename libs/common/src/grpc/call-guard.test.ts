import { Metadata } from '@grpc/grpc-js';
import { describe, expect, it } from 'vitest';
import { isTabaError } from '../errors/taba-error.js';
import { bearerToken, internalTokenGuard } from './call-guard.js';

const withAuthorization = (value?: string) => {
  const metadata = new Metadata();
  if (value !== undefined) metadata.set('authorization', value);
  return metadata;
};

describe('bearerToken', () => {
  it('reads the token of a Bearer header, the scheme in any case', () => {
    expect(bearerToken('Bearer abc.DEF-1')).toBe('abc.DEF-1');
    expect(bearerToken('bearer  abc ')).toBe('abc');
    expect(bearerToken('BEARER abc')).toBe('abc');
  });

  it('tells none from a malformed one (empty: invalid)', () => {
    expect(bearerToken(undefined)).toBeUndefined();
    expect(bearerToken('  ')).toBeUndefined();
    expect(bearerToken('Basic dXNlcjpwdw==')).toBe('');
    expect(bearerToken('Bearer')).toBe('');
    expect(bearerToken('Bearer a b')).toBe('');
  });
});

describe('internalTokenGuard', () => {
  const guard = internalTokenGuard(['cluster-secret-0123456789', 'rotated-out-secret-42']);
  const reason = (metadata: Metadata) => {
    const refusal = guard('/taba.internal.v1.Ingest/Ingest', metadata);
    return refusal === undefined ? 'ok' : isTabaError(refusal) ? refusal.reason : 'other';
  };

  it('lets the cluster token through and refuses anything else', () => {
    expect(reason(withAuthorization('Bearer cluster-secret-0123456789'))).toBe('ok');
    // A second token is accepted too (a rotation in progress).
    expect(reason(withAuthorization('Bearer rotated-out-secret-42'))).toBe('ok');
    expect(reason(withAuthorization())).toBe('TOKEN_MISSING');
    expect(reason(withAuthorization('Bearer cluster-secret-012345678'))).toBe('TOKEN_INVALID');
    expect(reason(withAuthorization('cluster-secret-0123456789'))).toBe('TOKEN_INVALID');
  });
});
