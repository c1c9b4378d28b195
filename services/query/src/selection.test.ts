import { isTabaError } from '@taba/common';
import { describe, expect, it } from 'vitest';
import { checkPattern, listSome, parseSelection } from './selection.js';

const LIMITS = {
  regexMaxLength: 16,
  maxFilterNames: 5,
  maxFilterClients: 4,
  maxFilterPatterns: 3,
  maxValueLength: 20,
};

function failure(run: () => unknown): { kind: string; reason: string; message: string } {
  try {
    run();
  } catch (error) {
    if (isTabaError(error))
      return { kind: error.kind, reason: error.reason, message: error.message };
    throw error;
  }
  throw new Error('expected a TabaError');
}

describe('parseSelection', () => {
  it('selects everything when the filter or its lists are empty', () => {
    for (const filter of [null, undefined, {}, { names: [], clients: [], regex: true }]) {
      const selection = parseSelection(filter, LIMITS);
      expect(selection.names).toEqual({ kind: 'all' });
      expect(selection.clients).toEqual({ kind: 'all' });
    }
  });

  it('keeps exact names and clients deduplicated and sorted, without checking them as patterns', () => {
    const selection = parseSelection(
      { names: ['b', 'a(', 'b'], clients: ['c2', 'c1'], regex: false },
      LIMITS,
    );
    expect(selection.names).toEqual({ kind: 'exact', values: ['a(', 'b'] });
    expect(selection.clients).toEqual({ kind: 'exact', values: ['c1', 'c2'] });
  });

  it('treats every entry as one pattern with regex set', () => {
    const selection = parseSelection(
      { names: ['^bid\\.', 'x$'], clients: ['^c'], regex: true },
      LIMITS,
    );
    expect(selection.names).toEqual({ kind: 'regex', patterns: ['^bid\\.', 'x$'] });
    expect(selection.clients).toEqual({ kind: 'regex', patterns: ['^c'] });
  });

  it('gives requests that select the same thing the same key, and others different keys', () => {
    const key = (filter: object) => parseSelection(filter, LIMITS).key;
    expect(key({ names: ['a', 'b'] })).toBe(key({ names: ['b', 'a', 'a'] }));
    expect(key({ names: ['a'] })).not.toBe(key({ names: ['a'], regex: true }));
    expect(key({ names: ['a'] })).not.toBe(key({ clients: ['a'] }));
    expect(key({ names: ['a,b'] })).not.toBe(key({ names: ['a', 'b'] }));
  });

  it('refuses empty entries (BAD_FILTER)', () => {
    expect(failure(() => parseSelection({ names: ['a', ''] }, LIMITS))).toMatchObject({
      kind: 'INVALID_ARGUMENT',
      reason: 'BAD_FILTER',
      message: expect.stringContaining('filter.names[1] is empty'),
    });
    expect(failure(() => parseSelection({ clients: [''], regex: true }, LIMITS)).reason).toBe(
      'BAD_FILTER',
    );
  });

  it('refuses patterns that are too long or do not compile (BAD_REGEX)', () => {
    expect(
      failure(() => parseSelection({ names: ['a'.repeat(17)], regex: true }, LIMITS)),
    ).toMatchObject({
      kind: 'INVALID_ARGUMENT',
      reason: 'BAD_REGEX',
      message: expect.stringContaining('at most 16'),
    });
    expect(failure(() => parseSelection({ names: ['(open'], regex: true }, LIMITS))).toMatchObject({
      reason: 'BAD_REGEX',
      message: expect.stringContaining('filter.names[0] "(open" is not a valid pattern'),
    });
    // The u flag makes stray escapes and lone braces errors rather than literals.
    expect(failure(() => checkPattern('\\q', 'p', LIMITS)).reason).toBe('BAD_REGEX');
    expect(failure(() => parseSelection({ clients: ['a{'], regex: true }, LIMITS)).reason).toBe(
      'BAD_REGEX',
    );
    // A pattern may be slow and still valid: the time limit is the matcher's business.
    expect(() => checkPattern('(a+)+$', 'p', LIMITS)).not.toThrow();
  });
});

describe('listSome', () => {
  it('shows a few values and counts the rest', () => {
    expect(listSome(['a', 'b'])).toBe('a, b');
    expect(listSome(['a', 'b', 'c', 'd'], 2)).toBe('a, b and 2 more');
  });
});

describe('filter limits', () => {
  it('refuses more names, client IDs or patterns than allowed, before reading them', () => {
    const names = (count: number) => Array.from({ length: count }, (_, i) => `n${i}`);
    expect(parseSelection({ names: names(5), clients: names(4) }, LIMITS).key).toBeTruthy();
    expect(failure(() => parseSelection({ names: names(6) }, LIMITS))).toEqual({
      kind: 'INVALID_ARGUMENT',
      reason: 'FILTER_TOO_LARGE',
      message:
        'the filter has 6 names; the limit is 5 (TABA_MAX_FILTER_NAMES): use patterns or several queries',
    });
    expect(failure(() => parseSelection({ clients: names(200_000) }, LIMITS))).toEqual({
      kind: 'INVALID_ARGUMENT',
      reason: 'FILTER_TOO_LARGE',
      message:
        'the filter has 200000 client IDs; the limit is 4 (TABA_MAX_FILTER_CLIENTS): use patterns or several queries',
    });
    expect(
      failure(() => parseSelection({ names: ['a', 'b'], clients: ['c', 'd'], regex: true }, LIMITS))
        .message,
    ).toBe(
      'the filter has 4 patterns; the limit is 3 (TABA_MAX_FILTER_PATTERNS): use patterns or several queries',
    );
  });

  it('refuses an exact value longer than any stored name or client ID', () => {
    expect(failure(() => parseSelection({ clients: ['c'.repeat(21)] }, LIMITS))).toMatchObject({
      reason: 'BAD_FILTER',
      message: 'filter.clients[0] is 21 characters long; no client ID is longer than 20',
    });
  });
});
