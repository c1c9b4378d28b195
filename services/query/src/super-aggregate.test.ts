import { isTabaError } from '@taba/common';
import { describe, expect, it } from 'vitest';
import type { TypedTab } from './super-aggregate.js';
import { checkMergeable } from './super-aggregate.js';

function failure(tabs: readonly TypedTab[]) {
  try {
    checkMergeable(tabs);
  } catch (error) {
    if (isTabaError(error)) return error;
    throw error;
  }
  throw new Error('expected checkMergeable to throw');
}

const counter = (name: string): TypedTab => ({ name, type: 'COUNTER_GROUP', bounds: [] });
const histogram = (name: string, bounds: number[]): TypedTab => ({
  name,
  type: 'HISTOGRAM',
  bounds,
});

describe('checkMergeable', () => {
  it('accepts Tabs of one type, histograms with equal bounds, and a single Tab', () => {
    expect(() => checkMergeable([counter('bid.a'), counter('bid.b')])).not.toThrow();
    expect(() => checkMergeable([histogram('h1', [1, 5]), histogram('h2', [1, 5])])).not.toThrow();
    expect(() => checkMergeable([histogram('h1', [1])])).not.toThrow();
    expect(() => checkMergeable([])).not.toThrow();
  });

  it('refuses mixed types (MIXED_TYPES), naming each type and a few of its Tabs', () => {
    const error = failure([
      counter('c1'),
      { name: 'g1', type: 'GAUGE', bounds: [] },
      counter('c2'),
      counter('c3'),
      counter('c4'),
      counter('c5'),
    ]);
    expect(error.kind).toBe('FAILED_PRECONDITION');
    expect(error.reason).toBe('MIXED_TYPES');
    expect(error.message).toContain('COUNTER_GROUP (c1, c2, c3 and 2 more)');
    expect(error.message).toContain('GAUGE (g1)');
  });

  it('refuses histograms with different bounds (MIXED_BOUNDS)', () => {
    const error = failure([
      histogram('h1', [1, 5]),
      histogram('h2', [1, 6]),
      histogram('h3', [1, 5]),
    ]);
    expect(error.kind).toBe('FAILED_PRECONDITION');
    expect(error.reason).toBe('MIXED_BOUNDS');
    expect(error.message).toContain('[1,5] (h1, h3)');
    expect(error.message).toContain('[1,6] (h2)');
  });
});
