import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { mayWrite } from './scopes.js';
import { parseTokensFile, TokensFileError } from './tokens-file.js';

const sha = (token: string) => createHash('sha256').update(token).digest('hex');

describe('parseTokensFile', () => {
  it('reads YAML', () => {
    const entries = parseTokensFile(`
tokens:
  - name: bidders
    sha256: ${sha('t1')}
    scopes: [read, "write:bidder-*"]
  - name: ops
    sha256: ${sha('t2').toUpperCase()}
    scopes:
      - admin
`);
    expect(entries.map(entry => entry.grant.name)).toEqual(['bidders', 'ops']);
    expect(entries[0]?.sha256.toString('hex')).toBe(sha('t1'));
    expect(entries[1]?.sha256.toString('hex')).toBe(sha('t2'));
    expect(entries[0] && mayWrite(entries[0].grant, 'bidder-7')).toBe(true);
    expect(entries[1]?.grant).toMatchObject({ admin: true, read: true });
  });

  it('reads JSON', () => {
    const text = JSON.stringify({ tokens: [{ name: 'r', sha256: sha('x'), scopes: ['read'] }] });
    expect(parseTokensFile(text).map(entry => entry.grant.read)).toEqual([true]);
  });

  it('takes an empty list (every call refused)', () => {
    expect(parseTokensFile('tokens: []')).toEqual([]);
  });

  const refusals: [string, string, string][] = [
    ['not YAML', 'tokens: [', 'not JSON or YAML'],
    ['empty', '', 'the file:'],
    ['no tokens key', 'other: 1', 'tokens:'],
    [
      'an unknown key',
      `tokens: [{name: a, sha256: ${sha('a')}, scopes: [read], token: a}]`,
      'tokens[0]',
    ],
    [
      'a bad hash',
      'tokens: [{name: a, sha256: abc, scopes: [read]}]',
      'tokens[0].sha256: must be 64 hex digits',
    ],
    ['no name', `tokens: [{sha256: ${sha('a')}, scopes: [read]}]`, 'tokens[0].name'],
    [
      'no scope',
      `tokens: [{name: a, sha256: ${sha('a')}, scopes: []}]`,
      'tokens[0].scopes: grants nothing',
    ],
    [
      'a bad scope',
      `tokens: [{name: a, sha256: ${sha('a')}, scopes: [root]}]`,
      'tokens[0].scopes: unknown scope "root"',
    ],
    [
      'a name twice',
      `tokens: [{name: a, sha256: ${sha('a')}, scopes: [read]}, {name: a, sha256: ${sha('b')}, scopes: [read]}]`,
      'tokens[1].name: "a" twice',
    ],
    [
      'a hash twice',
      `tokens: [{name: a, sha256: ${sha('a')}, scopes: [read]}, {name: b, sha256: ${sha('a').toUpperCase()}, scopes: [read]}]`,
      'tokens[1].sha256: the same token twice',
    ],
  ];
  it.each(refusals)('refuses %s', (_what, text, message) => {
    expect(() => parseTokensFile(text)).toThrow(TokensFileError);
    expect(() => parseTokensFile(text)).toThrow(message);
  });
});
