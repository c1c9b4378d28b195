import { describe, expect, it } from 'vitest';
import {
  grantOf,
  hasScope,
  mayWrite,
  OPEN_GRANT,
  scopeOfMethod,
  scopeOfRoute,
  writesAnyClient,
} from './scopes.js';

describe('grantOf', () => {
  it('reads read, admin and write patterns', () => {
    const grant = grantOf('bidders', ['read', 'write:bidder-*', 'write:billing']);
    expect(grant.name).toBe('bidders');
    expect(grant.read).toBe(true);
    expect(grant.admin).toBe(false);
    expect([...grant.write.exact]).toEqual(['billing']);
    expect(grant.write.prefixes).toEqual(['bidder-']);
  });

  it('makes admin imply read, and nothing else imply anything', () => {
    expect(grantOf('ops', ['admin'])).toMatchObject({ read: true, admin: true });
    const writer = grantOf('w', ['write:a']);
    expect(hasScope(writer, 'read')).toBe(false);
    expect(hasScope(writer, 'admin')).toBe(false);
    expect(hasScope(writer, 'write')).toBe(true);
    expect(hasScope(grantOf('r', ['read']), 'write')).toBe(false);
  });

  it('refuses unknown scopes and an empty write pattern', () => {
    expect(() => grantOf('x', ['delete'])).toThrow('unknown scope "delete"');
    expect(() => grantOf('x', ['write:'])).toThrow('unknown scope "write:"');
    expect(() => grantOf('x', ['Read'])).toThrow('unknown scope "Read"');
  });
});

describe('mayWrite', () => {
  const grant = grantOf('bidders', ['write:bidder-*', 'write:billing']);

  it('matches exact names and prefixes', () => {
    expect(mayWrite(grant, 'billing')).toBe(true);
    expect(mayWrite(grant, 'bidder-1')).toBe(true);
    expect(mayWrite(grant, 'bidder-')).toBe(true);
    expect(mayWrite(grant, 'billing-2')).toBe(false);
    expect(mayWrite(grant, 'bidder')).toBe(false);
    expect(mayWrite(grant, 'victim')).toBe(false);
    expect(mayWrite(grant, '')).toBe(false);
    expect(writesAnyClient(grant)).toBe(false);
  });

  it('takes only a final * as a wildcard', () => {
    const literal = grantOf('odd', ['write:a*b']);
    expect(mayWrite(literal, 'a*b')).toBe(true);
    expect(mayWrite(literal, 'axb')).toBe(false);
  });

  it('lets write:* (and auth off) write for every client', () => {
    const all = grantOf('all', ['write:*']);
    expect(writesAnyClient(all)).toBe(true);
    expect(mayWrite(all, 'anyone')).toBe(true);
    expect(writesAnyClient(OPEN_GRANT)).toBe(true);
    expect(hasScope(OPEN_GRANT, 'admin')).toBe(true);
  });
});

describe('the scope of each call', () => {
  it('maps gRPC methods: posts write, DeleteTabs admin, the rest read', () => {
    expect(scopeOfMethod('/taba.v1.Taba/PostEvents')).toBe('write');
    expect(scopeOfMethod('/taba.v1.Taba/StreamEvents')).toBe('write');
    expect(scopeOfMethod('/taba.v1.Taba/PostEventsStream')).toBe('write');
    expect(scopeOfMethod('/taba.v1.Taba/DeleteTabs')).toBe('admin');
    for (const method of [
      'GetAggregates',
      'GetProjections',
      'GetSuperAggregate',
      'ListNames',
      'ListClients',
      'ListTypes',
      'GetStatus',
    ]) {
      expect(scopeOfMethod(`/taba.v1.Taba/${method}`)).toBe('read');
    }
  });

  it('maps REST methods: POST writes, DELETE needs admin, GET reads', () => {
    expect(scopeOfRoute('POST')).toBe('write');
    expect(scopeOfRoute('DELETE')).toBe('admin');
    expect(scopeOfRoute('GET')).toBe('read');
  });
});
