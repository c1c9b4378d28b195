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

describe('RegexMatcher waiting for a worker', () => {
  it('refuses with REGEX_BUSY at once when the queue is full, without running the job', async () => {
    const m = new RegexMatcher({ timeoutMs: 300, workers: 1, maxQueued: 1, queueWaitMs: 5000 });
    matchers.push(m);
    await m.match(['a'], ['a']);
    // One job runs (slow), one waits: a third finds the queue full.
    const running = m.match(['(a+)+$'], [PATHOLOGICAL]).catch(failure => failure);
    const waiting = m.match(['b'], ['b']);
    const error = await failureOf(m.match(['c'], ['c']));
    expect(error.kind).toBe('RESOURCE_EXHAUSTED');
    expect(error.reason).toBe('REGEX_BUSY');
    expect(error.message).toContain('(at most 1, TABA_REGEX_MAX_QUEUED)');
    expect(m.busy).toBe(1);
    expect(await waiting).toEqual(['b']);
    expect((await running).reason).toBe('REGEX_TOO_SLOW');
  });

  it('refuses a job that cannot start within TABA_REGEX_QUEUE_WAIT_MS of its enqueueing', async () => {
    const m = new RegexMatcher({ timeoutMs: 400, workers: 1, maxQueued: 10, queueWaitMs: 50 });
    matchers.push(m);
    await m.match(['a'], ['a']);
    const running = m.match(['(a+)+$'], [PATHOLOGICAL]).catch(failure => failure);
    const started = performance.now();
    const error = await failureOf(m.match(['b'], ['b']));
    expect(error.reason).toBe('REGEX_BUSY');
    expect(error.message).toContain('within 50 ms (TABA_REGEX_QUEUE_WAIT_MS)');
    // Refused at its deadline, not after the slow job ahead of it (400 ms).
    expect(performance.now() - started).toBeLessThan(350);
    expect((await running).reason).toBe('REGEX_TOO_SLOW');
    // Only the slow job ran into the time limit; the refused one never ran.
    expect(m.timeouts).toBe(1);
  });

  it('matches a kept candidate list again without sending it, and a new list after it', async () => {
    const m = matcher();
    const names = ['a.x', 'b.x', 'a.y'];
    m.keep(names);
    expect(await m.match(['^a'], names)).toEqual(['a.x', 'a.y']);
    expect(await m.match(['y$'], names)).toEqual(['a.y']);
    const next = ['c.x', 'a.z'];
    m.keep(next);
    expect(await m.match(['^a'], next)).toEqual(['a.z']);
    expect(await m.match(['^a'], names)).toEqual(['a.x', 'a.y']);
  });
});
