import { describe, expect, it } from 'vitest';
import { expiredBufferMembers, prunableFields } from './prunable.js';

const NOW = 1_763_805_600;

describe('prunableFields', () => {
  it('picks buckets that left their window and keeps live and lifetime fields', () => {
    const hash = {
      [`c0:${NOW - 60}`]: '1',
      [`c0:${NOW - 59}`]: '1',
      [`t3:${(NOW - 86_400) / 900}`]: '2',
      [`t3:${(NOW - 86_400) / 900 + 1}`]: '2',
      lc: '9',
      lt: '9',
      k12: '3',
      [`q0:${NOW / 10 - 6}:5`]: '1',
      [`qn0:${NOW / 10 - 5}`]: '0.5',
      [`h1:${NOW / 10 - 60}:0`]: '4',
    };
    expect(
      prunableFields('COUNTER_GROUP', hash, NOW)
        .map(p => p.field)
        .sort(),
    ).toEqual(
      [
        `c0:${NOW - 60}`,
        `h1:${NOW / 10 - 60}:0`,
        `q0:${NOW / 10 - 6}:5`,
        `t3:${(NOW - 86_400) / 900}`,
      ].sort(),
    );
  });

  it('picks expired gauge values, to delete only while unchanged', () => {
    const hash = { 'g:a': `${NOW - 10}|${NOW}|sok`, 'g:b': `${NOW - 10}|${NOW + 1}|sok` };
    expect(prunableFields('GAUGE', hash, NOW)).toEqual([
      { field: 'g:a', expected: `${NOW - 10}|${NOW}|sok` },
    ]);
  });

  it('picks expired buffer members', () => {
    expect(expiredBufferMembers([`1|${NOW}|c|1.0|sx`, `1|${NOW + 5}|c|1.1|sy`], NOW)).toEqual([
      `1|${NOW}|c|1.0|sx`,
    ]);
  });
});
