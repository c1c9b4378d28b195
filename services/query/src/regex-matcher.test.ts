import { isTabaError } from '@taba/common';
import { afterEach, describe, expect, it } from 'vitest';
import { RegexMatcher } from './regex-matcher.js';

const matchers: RegexMatcher[] = [];
afterEach(async () => {
  for (const matcher of matchers.splice(0)) await matcher.close();
});

function matcher(timeoutMs = 200): RegexMatcher {
  const created = new RegexMatcher({ timeoutMs, workers: 2 });
  matchers.push(created);
  return created;
}

async function failureOf(promise: Promise<unknown>) {
  try {
    await promise;
  } catch (error) {
    if (isTabaError(error)) return error;
    throw error;
  }
  throw new Error('expected the match to fail');
}

const PATHOLOGICAL = `${'a'.repeat(32)}!`;

describe('RegexMatcher', () => {
  it('returns the candidates any pattern matches, in their order; patterns are not anchored', async () => {
    const m = matcher();
    const names = ['x.bid.y', 'bid.price', 'ask.price', 'bid.count', 'BID.x'];
    expect(await m.match(['bid'], names)).toEqual(['x.bid.y', 'bid.price', 'bid.count']);
    expect(await m.match(['^bid\\.'], names)).toEqual(['bid.price', 'bid.count']);
    expect(await m.match(['^ask', 'count$'], names)).toEqual(['ask.price', 'bid.count']);
    expect(await m.match(['^nothing$'], names)).toEqual([]);
    expect(await m.match(['x'], [])).toEqual([]);
  });

  it('runs many jobs at once', async () => {
    const m = matcher();
    const candidates = Array.from({ length: 2000 }, (_, i) => `tab.${i}`);
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, d) => m.match([`^tab\\.${d}$`], candidates)),
    );
    expect(results).toEqual(Array.from({ length: 10 }, (_, d) => [`tab.${d}`]));
  });

  it('stops a catastrophically backtracking pattern at the time limit (REGEX_TOO_SLOW) and keeps working', async () => {
    const m = matcher(100);
    // Warm: both workers up.
    await Promise.all([m.match(['a'], ['a']), m.match(['a'], ['a'])]);
    const started = performance.now();
    const error = await failureOf(m.match(['(a+)+$'], ['ok', PATHOLOGICAL]));
    const elapsed = performance.now() - started;
    expect(error.kind).toBe('INVALID_ARGUMENT');
    expect(error.reason).toBe('REGEX_TOO_SLOW');
    expect(error.message).toContain('100 ms');
    expect(elapsed).toBeLessThan(2000);
    expect(m.timeouts).toBe(1);

    // The replaced worker answers, and so does the other one.
    const after = await Promise.all([
      m.match(['^a+$'], ['aaa', PATHOLOGICAL]),
      m.match(['!$'], [PATHOLOGICAL]),
    ]);
    expect(after).toEqual([['aaa'], [PATHOLOGICAL]]);
  });

  it('fails every job once closed', async () => {
    const m = matcher();
    await m.close();
    const error = await failureOf(m.match(['a'], ['a']));
    expect(error.kind).toBe('UNAVAILABLE');
  });
});
