import { describe, expect, it } from 'vitest';
import { SharedRead } from './shared-read.js';

const settle = () => new Promise(resolve => setImmediate(resolve));

describe('SharedRead', () => {
  it('shares the next read among the callers that came while one was under way', async () => {
    const answers: ((value: number) => void)[] = [];
    const shared = new SharedRead(() => new Promise<number>(resolve => answers.push(resolve)));
    const first = shared.read();
    // Came after the first read began: it may be older than they must see.
    const second = shared.read();
    const third = shared.read();
    await settle();
    expect(answers).toHaveLength(1);
    answers[0]?.(1);
    expect(await first).toBe(1);
    await settle();
    expect(answers).toHaveLength(2);
    // Came while the second read is under way: a third one, after it.
    const fourth = shared.read();
    answers[1]?.(2);
    expect([await second, await third]).toEqual([2, 2]);
    await settle();
    answers[2]?.(3);
    expect(await fourth).toBe(3);
    expect(shared.reads).toBe(3);
  });

  it('passes a failed read on to its callers and reads afresh for the next', async () => {
    let calls = 0;
    const shared = new SharedRead(async () => {
      calls += 1;
      if (calls === 1) throw new Error('shard down');
      return calls;
    });
    const failing = shared.read();
    const waiting = shared.read();
    await expect(failing).rejects.toThrow('shard down');
    expect(await waiting).toBe(2);
    expect(await shared.read()).toBe(3);
  });
});
