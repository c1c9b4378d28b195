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

const step = (units: number, what: string, size = units) => ({ units, size, what });

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
    const a = await gate.admit(step(60, 'reading 60 States'));
    const b = await gate.admit(step(40, 'reading 40 States'));
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
      'q.refused_too_large': 0,
      'q.refused_too_slow': 0,
      'q.refused_busy': 0,
    });
  });

  it('admits a step of no cost, and one whose units pass the capacity when nothing else runs', async () => {
    const { gate } = admission(10);
    (await gate.admit(step(0, 'nothing')))();
    // 8 States, 5 of them from Redis at 4 units each.
    const cold = await gate.admit(step(23, 'reading 8 States (5 from Redis)', 8));
    expect(gate.inFlight).toBe(23);
    cold();
  });

  it('refuses a step larger than the capacity at once with QUERY_TOO_LARGE, before waiting', async () => {
    const { gate, timers } = admission(100);
    const running = await gate.admit(step(50, 'reading 50 States'));
    const refusal = await failureOf(gate.admit(step(404, 'reading 101 States', 101)));
    expect(refusal.kind).toBe('RESOURCE_EXHAUSTED');
    expect(refusal.reason).toBe('QUERY_TOO_LARGE');
    expect(refusal.message).toBe(
      'reading 101 States is more than one query instance handles at once, 100 (TABA_QUERY_MAX_INFLIGHT_STATES): narrow the filter (names or clients) or raise the limit',
    );
    expect(timers.timers).toHaveLength(0);
    expect(gate.metrics('q')).toMatchObject({ 'q.refused_too_large': 1, 'q.refused_busy': 0 });
    running();
  });

  it('lets a step that does not fit wait, first come first served, until units are released', async () => {
    const { gate, timers } = admission(100);
    const running = await gate.admit(step(80, 'reading 80 States'));
    const order: string[] = [];
    const second = gate.admit(step(50, 'reading 50 States')).then(release => {
      order.push('second');
      return release;
    });
    // Fits, but waits behind the one ahead of it.
    const third = gate.admit(step(10, 'reading 10 States')).then(release => {
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
    const running = await gate.admit(step(90, 'reading 90 States'));
    const waiting = gate.admit(step(20, 'reading 20 States'));
    expect(timers.timers.map(timer => timer.ms)).toEqual([250]);
    timers.fireAll();
    const refusal = await failureOf(waiting);
    expect(refusal.kind).toBe('RESOURCE_EXHAUSTED');
    expect(refusal.reason).toBe('OVERLOADED');
    expect(refusal.message).toBe(
      'overloaded: reading 20 States (20 units) did not fit within the 250 ms a read may wait (TABA_QUERY_ADMISSION_WAIT_MS) next to the 90 units in flight, limit 100 (TABA_QUERY_MAX_INFLIGHT_STATES); retry with backoff',
    );
    expect(gate.waiting).toBe(0);
    expect(gate.refused).toBe(1);
    running();
    expect(gate.inFlight).toBe(0);
  });

  it('lets the next in line go when the head of the line gives up', async () => {
    const { gate: custom, timers } = admission(100, 250);
    const running = await custom.admit(step(60, 'reading 60 States'));
    const head = custom.admit(step(90, 'reading 90 States'));
    const next = custom.admit(step(30, 'reading 30 States'));
    // Only the head's timer fires.
    timers.timers[0]?.fire();
    expect((await failureOf(head)).reason).toBe('OVERLOADED');
    const release = await next;
    expect(custom.inFlight).toBe(90);
    release();
    running();
  });

  it('lets the steps of one request share one deadline: a later step waits only what is left', async () => {
    let clock = 1000;
    const timers = new ManualTimers();
    const gate = new CostAdmission({
      capacity: 10,
      maxWaitMs: 250,
      schedule: timers.schedule,
      now: () => clock,
    });
    const until = gate.deadline();
    expect(until).toBe(1250);
    const running = await gate.admit(step(10, 'reading 10 States'));
    clock = 1200;
    const later = gate.admit(step(5, 'reading 5 States'), until);
    expect(timers.timers.map(timer => timer.ms)).toEqual([50]);
    clock = 1250;
    // Past its deadline: refused at once, without a timer.
    expect((await failureOf(gate.admit(step(5, 'listing 5 Tabs'), until))).reason).toBe(
      'OVERLOADED',
    );
    expect(timers.timers).toHaveLength(1);
    timers.fireAll();
    expect((await failureOf(later)).reason).toBe('OVERLOADED');
    running();
  });

  it('refuses at once when it may not wait at all', async () => {
    const { gate } = admission(10, 0);
    const running = await gate.admit(step(10, 'reading 10 States'));
    expect((await failureOf(gate.admit(step(1, 'reading 1 States')))).reason).toBe('OVERLOADED');
    running();
  });

  describe('by time (TABA_QUERY_MAX_READ_MS)', () => {
    /** A gate whose clock the test moves, having worked 600 units in 1,200 busy ms: 2 ms a unit. */
    async function measured(maxStepMs: number) {
      const clock = { ms: 0 };
      const timers = new ManualTimers();
      const gate = new CostAdmission({
        capacity: 1000,
        maxWaitMs: 250,
        maxStepMs,
        schedule: timers.schedule,
        now: () => clock.ms,
      });
      // Cold: nothing measured yet, so only the capacity bounds this step.
      const first = await gate.admit(step(600, 'reading 600 States'));
      clock.ms = 1200;
      first();
      return { gate, clock, timers };
    }

    it('refuses a step whose units alone would take too long at the measured rate, at once', async () => {
      const { gate, timers } = await measured(500);
      const refusal = await failureOf(gate.admit(step(300, 'reading 300 States')));
      expect(refusal.kind).toBe('RESOURCE_EXHAUSTED');
      expect(refusal.reason).toBe('QUERY_TOO_SLOW');
      expect(refusal.message).toBe(
        "reading 300 States (300 units) would take about 600 ms at this query instance's recent rate, more than 500 ms (TABA_QUERY_MAX_READ_MS): narrow the filter (names or clients), retry when the instance is less busy, or raise the limit",
      );
      expect(timers.timers).toHaveLength(0);
      // 250 units: 500 ms, within the limit.
      (await gate.admit(step(250, 'reading 250 States')))();
      expect(gate.metrics('q')).toMatchObject({
        'q.refused_too_slow': 1,
        'q.refused_too_large': 0,
        'q.admitted': 2,
      });
    });

    it('lets a step wait while it would not finish in time beside the steps in flight', async () => {
      const { gate, clock, timers } = await measured(500);
      const running = await gate.admit(step(150, 'reading 150 States'));
      // 10 + min(150, 10) units: 40 ms, at once.
      (await gate.admit(step(10, 'reading 10 States')))();
      // 150 + min(150, 150) units: 600 ms beside the running one, so it waits for it.
      let admitted = false;
      const waiting = gate.admit(step(150, 'reading 150 States')).then(release => {
        admitted = true;
        return release;
      });
      await settle();
      expect(admitted).toBe(false);
      expect(timers.timers.map(timer => timer.ms)).toEqual([250]);
      clock.ms = 1300;
      running();
      (await waiting)();
      expect(gate.metrics('q')['q.waited']).toBe(1);
    });

    it('names the expected time when a step gives up waiting', async () => {
      const { gate, timers } = await measured(500);
      const running = await gate.admit(step(200, 'reading 200 States'));
      const waiting = gate.admit(step(150, 'reading 150 States'));
      timers.fireAll();
      expect((await failureOf(waiting)).message).toBe(
        'overloaded: reading 150 States (150 units) did not fit within the 250 ms a read may wait (TABA_QUERY_ADMISSION_WAIT_MS) next to the 200 units in flight, limit 1000 (TABA_QUERY_MAX_INFLIGHT_STATES), or about 600 ms beside them, limit 500 ms (TABA_QUERY_MAX_READ_MS); retry with backoff',
      );
      running();
    });

    it('checks nothing by time until 100 ms of busy time is measured', async () => {
      const clock = { ms: 0 };
      const gate = new CostAdmission({
        capacity: 1000,
        maxWaitMs: 250,
        maxStepMs: 1,
        now: () => clock.ms,
      });
      const first = await gate.admit(step(10, 'reading 10 States'));
      clock.ms = 90;
      first();
      // 90 busy ms at 9 ms a unit would refuse it, but 90 ms is not yet a measured rate.
      const second = await gate.admit(step(10, 'reading 10 States'));
      clock.ms = 120;
      second();
      expect((await failureOf(gate.admit(step(10, 'reading 10 States')))).reason).toBe(
        'QUERY_TOO_SLOW',
      );
    });

    it('checks nothing by time when the limit is 0', async () => {
      const { gate } = await measured(0);
      (await gate.admit(step(900, 'reading 900 States')))();
      expect(gate.refused).toBe(0);
    });
  });
});
