import { describe, expect, it } from 'vitest';
import { isTabaError } from '../errors/taba-error.js';
import { InflightBudget } from './inflight-budget.js';

function refusal(budget: InflightBudget, units: number): unknown {
  try {
    budget.acquire(units);
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('InflightBudget', () => {
  it('admits work while it fits, refuses with OVERLOADED beyond, and frees on release', () => {
    const budget = new InflightBudget(100, 'events', 'TABA_TEST_LIMIT');
    const first = budget.acquire(60);
    const second = budget.acquire(40);
    expect(budget.inFlight).toBe(100);
    const error = refusal(budget, 1);
    expect(isTabaError(error) && error.kind).toBe('RESOURCE_EXHAUSTED');
    expect(isTabaError(error) && error.reason).toBe('OVERLOADED');
    expect(String((error as Error).message)).toContain('100 events in flight');
    expect(String((error as Error).message)).toContain('TABA_TEST_LIMIT');
    expect(budget.refused).toBe(1);
    first();
    first();
    expect(budget.inFlight).toBe(40);
    const third = budget.acquire(60);
    expect(budget.peak).toBe(100);
    second();
    third();
    expect(budget.inFlight).toBe(0);
    expect(budget.metrics('x')).toEqual({ x: 0, x_peak: 100, x_limit: 100, x_refused: 1 });
  });

  it('runs one piece larger than the whole budget when nothing else is in flight', () => {
    const budget = new InflightBudget(10, 'bytes', 'TABA_TEST_LIMIT');
    const big = budget.acquire(25);
    expect(budget.inFlight).toBe(25);
    expect(refusal(budget, 1)).toBeDefined();
    big();
    expect(refusal(budget, 1)).toBeUndefined();
  });
});
