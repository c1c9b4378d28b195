import { describe, expect, it } from 'vitest';
import { formatGoDuration, parseGoDuration } from './go-duration.js';

describe('parseGoDuration', () => {
  it("reads what Go's time.ParseDuration reads, in milliseconds", () => {
    expect(parseGoDuration('0')).toBe(0);
    expect(parseGoDuration('300ms')).toBe(300);
    expect(parseGoDuration('2s')).toBe(2000);
    expect(parseGoDuration('1.5s')).toBe(1500);
    expect(parseGoDuration('.5s')).toBe(500);
    expect(parseGoDuration('1.s')).toBe(1000);
    expect(parseGoDuration('1m')).toBe(60_000);
    expect(parseGoDuration('1h2m3s')).toBe(3_723_000);
    expect(parseGoDuration('-2s')).toBe(-2000);
    expect(parseGoDuration('+10m')).toBe(600_000);
    expect(parseGoDuration('1500us')).toBe(1.5);
    expect(parseGoDuration('2µs')).toBe(0.002);
    expect(parseGoDuration('2μs')).toBe(0.002);
    expect(parseGoDuration('1000000ns')).toBe(1);
  });

  it('rejects what Go rejects', () => {
    for (const text of [
      '',
      '-',
      '5',
      '1.5',
      's',
      '.s',
      '1d',
      '1 s',
      '1e3s',
      '1s2',
      'soon',
      '1..5s',
    ]) {
      expect(parseGoDuration(text), text).toBeUndefined();
    }
  });
});

describe('formatGoDuration', () => {
  it('writes the shortest exact form, which parses back', () => {
    const cases: [number, string][] = [
      [0, '0s'],
      [1, '1ms'],
      [500, '500ms'],
      [1500, '1500ms'],
      [2000, '2s'],
      [90_000, '90s'],
      [60_000, '1m'],
      [3_600_000, '1h'],
      [5_400_000, '90m'],
      [499.6, '500ms'],
    ];
    for (const [ms, text] of cases) {
      expect(formatGoDuration(ms)).toBe(text);
      expect(parseGoDuration(text)).toBe(Math.round(ms));
    }
  });
});
