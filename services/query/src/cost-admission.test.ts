import { isTabaError } from '@taba/common';
import { describe, expect, it } from 'vitest';
import { CostAdmission } from './cost-admission.js';

/** Timers the test fires by hand. */
class ManualTimers {
  readonly timers: { ms: number; fire: () => void; cancelled: boolean }[] = [];

  schedule = (ms: number, fire: () => void) => {
    const timer = { ms, fire, cancelled: false };
    this.timers.push(timer);
    return () => {
      timer.cancelled = true;
    };
  };

  fireAll(): void {
    for (const timer of this.timers.splice(0)) if (!timer.cancelled) timer.fire();
  }
}

function admission(capacity: number, maxWaitMs = 100) {
  const timers = new ManualTimers();
  return { timers, gate: new CostAdmission({ capacity, maxWaitMs, schedule: timers.schedule }) };
}

const settle = () => new Promise(resolve => setImmediate(resolve));

async function failureOf(promise: Promise<unknown>) {
  const outcome = await promise.then(
    () => undefined,
    (error: unknown) => error,
  );
  if (!isTabaError(outcome)) throw new Error('expected a refusal');
  return outcome;
}

describe('CostAdmission', () => {
  it('admits steps at once while their units fit, and counts what is in flight', async () => {
    const { gate } = admission(100);
    const a = await gate.admit(60, 'reading 60 States');
    const b = await gate.admit(40, 'reading 40 States');
    expect(gate.inFlight).toBe(100);
    a();
    a();
    expect(gate.inFlight).toBe(40);
    b();
    expect(gate.metrics('q')).toEqual({
      'q.units': 0,
      'q.units_peak': 100,
      'q.units_limit': 100,
      'q.waiting': 0,
      'q.admitted': 2,
      'q.waited': 0,
      'q.refused': 0,
    });
  });

  it('admits a step of no cost, and one larger than the capacity when nothing else runs', async () => {
    const { gate } = admission(10);
    (await gate.admit(0, 'nothing'))();
    const big = await gate.admit(25, 'reading 25 States');
    expect(gate.inFlight).toBe(25);
    big();
  });

  it('lets a step that does not fit wait, first come first served, until units are released', async () => {
    const { gate, timers } = admission(100);
    const running = await gate.admit(80, 'reading 80 States');
    const order: string[] = [];
    const second = gate.admit(50, 'reading 50 States').then(release => {
      order.push('second');
      return release;
    });
    // Fits, but waits behind the one ahead of it.
    const third = gate.admit(10, 'reading 10 States').then(release => {
      order.push('third');
      return release;
    });
    await settle();
    expect(order).toEqual([]);
    expect(gate.waiting).toBe(2);
    running();
    const [releaseSecond, releaseThird] = await Promise.all([second, third]);
    expect(order).toEqual(['second', 'third']);
    expect(gate.inFlight).toBe(60);
    timers.fireAll();
    releaseSecond();
    releaseThird();
    expect(gate.metrics('q')['q.waited']).toBe(2);
    expect(gate.refused).toBe(0);
  });

  it('refuses a step with OVERLOADED when its wait runs out, naming both settings', async () => {
    const { gate, timers } = admission(100, 250);
    const running = await gate.admit(90, 'reading 90 States');
    const waiting = gate.admit(20, 'reading 20 States');
    expect(timers.timers.map(timer => timer.ms)).toEqual([250]);
    timers.fireAll();
    const refusal = await failureOf(waiting);
    expect(refusal.kind).toBe('RESOURCE_EXHAUSTED');
    expect(refusal.reason).toBe('OVERLOADED');
    expect(refusal.message).toBe(
      'overloaded: reading 20 States (20 units) did not fit within 250 ms (TABA_QUERY_ADMISSION_WAIT_MS) next to the 90 units in flight, limit 100 (TABA_QUERY_MAX_INFLIGHT_STATES); retry with backoff or narrow the filter',
    );
    expect(gate.waiting).toBe(0);
    expect(gate.refused).toBe(1);
    running();
    expect(gate.inFlight).toBe(0);
  });

  it('lets the next in line go when the head of the line gives up', async () => {
    const { gate: custom, timers } = admission(100, 250);
    const running = await custom.admit(60, 'reading 60 States');
    const head = custom.admit(90, 'reading 90 States');
    const next = custom.admit(30, 'reading 30 States');
    // Only the head's timer fires.
    timers.timers[0]?.fire();
    expect((await failureOf(head)).reason).toBe('OVERLOADED');
    const release = await next;
    expect(custom.inFlight).toBe(90);
    release();
    running();
  });

  it('refuses at once when it may not wait at all', async () => {
    const { gate } = admission(10, 0);
    const running = await gate.admit(10, 'reading 10 States');
    expect((await failureOf(gate.admit(1, 'reading 1 States'))).reason).toBe('OVERLOADED');
    running();
  });
});
