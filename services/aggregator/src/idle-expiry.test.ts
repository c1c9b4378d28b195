import { describe, expect, it } from 'vitest';
import { idleField, idleStep } from './idle-expiry.js';

describe('idleStep', () => {
  it('does nothing while idle States do not expire', () => {
    expect(idleStep(0, 100, 10_000, 0)).toBe('none');
  });

  it('marks a cell without new records, expires it once the idle time has passed since', () => {
    expect(idleStep(0, undefined, 1000, 600)).toBe('mark');
    expect(idleStep(0, 1000, 1599, 600)).toBe('none');
    expect(idleStep(0, 1000, 1600, 600)).toBe('expire');
  });

  it('clears the mark of a cell written since, and leaves an unmarked written cell alone', () => {
    expect(idleStep(12, 1000, 5000, 600)).toBe('clear');
    expect(idleStep(12, undefined, 5000, 600)).toBe('none');
  });

  it('names a cell by Tab and client', () => {
    expect(idleField('bid.price', '#all')).toBe('bid.price|#all');
  });
});
