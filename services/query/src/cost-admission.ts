/**
 * Admission by cost. Each costly step of a read (listing the clients of Tabs, reading, merging
 * and rendering States) asks for units in proportion to its work before it starts, so the work
 * in flight, and with it every answer's latency and the memory it holds, stays bounded however
 * many requests arrive:
 *
 * - a step whose `size` (its items: States, sets of clients) is more than the capacity could
 *   never be served within the bound, so it is refused at once with RESOURCE_EXHAUSTED
 *   (QUERY_TOO_LARGE), before any of its work: retrying it unchanged fails again;
 * - a step whose units fit next to the units in flight runs at once; one that does not waits in
 *   line (first come, first served) for at most `maxWaitMs`, then is refused the same way;
 * - units may count an item more than once (a State read from Redis is more work than one from
 *   the cache): a step whose units pass the capacity, though its size does not, runs when
 *   nothing else does;
 * - time: at the rate this instance worked through units lately (busy milliseconds per unit over
 *   the last seconds, DrainEstimate), a step whose units alone would take longer than
 *   `maxStepMs` is refused at once with RESOURCE_EXHAUSTED (QUERY_TOO_SLOW): on a loaded
 *   instance a read the capacity allows can still take seconds. Steps share the instance, so
 *   one that fits alone also waits while it would not finish in time beside those in flight:
 *   each of them slows it by at most its own units (the smaller ones end first), so it expects
 *   `units + Σ min(theirs, units)` units of work. Until the rate is measured (a cold or mostly
 *   idle instance: less than 100 ms of busy time in the window) only the capacity bounds a step.
 *
 * A step holds its units only while it runs and never asks for more meanwhile, so steps cannot
 * wait for each other in a circle.
 */
import { DrainEstimate, ResourceExhaustedError } from '@taba/common';

export interface CostAdmissionOptions {
  /** Units in flight at once, and the largest size of one step (TABA_QUERY_MAX_INFLIGHT_STATES). */
  readonly capacity: number;
  /** Longest a step waits for room before it is refused, ms (TABA_QUERY_ADMISSION_WAIT_MS). */
  readonly maxWaitMs: number;
  /**
   * Longest a step may be expected to take at the measured rate, ms (TABA_QUERY_MAX_READ_MS);
   * 0 turns the check off. @default 0
   */
  readonly maxStepMs?: number;
  /** Starts a timer; answers how to cancel it. @default setTimeout */
  readonly schedule?: (ms: number, fire: () => void) => () => void;
  /** The clock of deadlines, ms. @default performance.now */
  readonly now?: () => number;
}

/** What a step asks for. */
export interface StepCost {
  /** Units it holds while it runs. */
  readonly units: number;
  /** Items it handles (at most `units`): more than the capacity is refused at once. */
  readonly size: number;
  /** The step, for the message: "reading 40 States". */
  readonly what: string;
}

interface Waiter {
  readonly step: StepCost;
  readonly admit: (release: () => void) => void;
  readonly refuse: (error: Error) => void;
  cancelTimer: () => void;
}

/** How far back the rate of units counts, ms: long enough to smooth bursts, short enough to follow load. */
const RATE_WINDOW_MS = 5000;
/**
 * Busy time within the window before the rate counts, ms. Units are sized per State, so even a
 * few reads tell the rate; an instance that reads little while the machine is loaded by other
 * work must still see that its reads run slowly.
 */
const RATE_MIN_BUSY_MS = 100;

function scheduleTimeout(ms: number, fire: () => void): () => void {
  const timer = setTimeout(fire, ms);
  return () => clearTimeout(timer);
}

export class CostAdmission {
  private used = 0;
  /** The units of each step in flight (at most one per request in flight). */
  private readonly held: number[] = [];
  private readonly queue: Waiter[] = [];
  /**
   * Steps admitted, admitted only after waiting, refused for their size, refused for their
   * expected time, refused after waiting.
   */
  admitted = 0;
  waited = 0;
  tooLarge = 0;
  tooSlow = 0;
  timedOut = 0;
  /** Most units in flight at once since start. */
  peak = 0;

  /** Units worked through per busy millisecond, over the steps held lately. */
  private readonly rate = new DrainEstimate({
    windowMs: RATE_WINDOW_MS,
    assumedMsPerUnit: 0,
    minBusyMs: RATE_MIN_BUSY_MS,
  });

  constructor(private readonly options: CostAdmissionOptions) {}

  get inFlight(): number {
    return this.used;
  }

  get waiting(): number {
    return this.queue.length;
  }

  get refused(): number {
    return this.tooLarge + this.tooSlow + this.timedOut;
  }

  private now(): number {
    return (this.options.now ?? (() => performance.now()))();
  }

  /**
   * The end of a request's waiting, from now: every step of one request shares it, so all its
   * waits together stay within maxWaitMs.
   */
  deadline(): number {
    return this.now() + this.options.maxWaitMs;
  }

  private fits(units: number): boolean {
    if (this.used === 0) return true;
    if (this.used + units > this.options.capacity) return false;
    const expectedMs = this.expectedMs(this.sharedUnits(units));
    return expectedMs === undefined || expectedMs <= (this.options.maxStepMs ?? 0);
  }

  /** The work a step of `units` waits through beside the steps in flight (see the top). */
  private sharedUnits(units: number): number {
    let shared = units;
    for (const theirs of this.held) shared += Math.min(theirs, units);
    return shared;
  }

  /**
   * Resolves with the step's release (call it once the step is done; later calls do nothing)
   * when its units fit; rejects with QUERY_TOO_LARGE when its size is more than the capacity,
   * with QUERY_TOO_SLOW when its units alone would take longer than maxStepMs, with OVERLOADED when the units do not fit within maxWaitMs, or by `waitUntil` (a request's
   * `deadline()`) when that is sooner. A step of no units is admitted at once.
   */
  admit(step: StepCost, waitUntil = Number.POSITIVE_INFINITY): Promise<() => void> {
    if (step.size > this.options.capacity) {
      this.tooLarge += 1;
      return Promise.reject(this.tooLargeError(step));
    }
    if (step.units <= 0) return Promise.resolve(() => undefined);
    const expectedMs = this.expectedMs(step.units);
    if (expectedMs !== undefined && expectedMs > (this.options.maxStepMs ?? 0)) {
      this.tooSlow += 1;
      return Promise.reject(this.tooSlowError(step, expectedMs));
    }
    if (this.queue.length === 0 && this.fits(step.units)) {
      return Promise.resolve(this.hold(step.units));
    }
    const waitMs = Math.min(this.options.maxWaitMs, waitUntil - this.now());
    if (waitMs <= 0) {
      this.timedOut += 1;
      return Promise.reject(this.busyError(step));
    }
    return new Promise((admit, refuse) => {
      const waiter: Waiter = { step, admit, refuse, cancelTimer: () => undefined };
      waiter.cancelTimer = (this.options.schedule ?? scheduleTimeout)(waitMs, () =>
        this.expire(waiter),
      );
      this.queue.push(waiter);
    });
  }

  /** What `units` would take at the measured rate, ms; undefined when not checked. */
  private expectedMs(units: number): number | undefined {
    if (!this.options.maxStepMs) return undefined;
    const msPerUnit = this.rate.measuredMsPerUnit(this.now());
    return msPerUnit === undefined ? undefined : units * msPerUnit;
  }

  private hold(units: number): () => void {
    this.used += units;
    this.held.push(units);
    this.admitted += 1;
    if (this.used > this.peak) this.peak = this.used;
    this.rate.started(this.now());
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.used -= units;
      this.held.splice(this.held.indexOf(units), 1);
      this.rate.ended(units, this.now());
      this.drain();
    };
  }

  /** Admits waiters from the head of the line while they fit. */
  private drain(): void {
    for (let head = this.queue[0]; head && this.fits(head.step.units); head = this.queue[0]) {
      this.queue.shift();
      head.cancelTimer();
      this.waited += 1;
      head.admit(this.hold(head.step.units));
    }
  }

  private expire(waiter: Waiter): void {
    const at = this.queue.indexOf(waiter);
    if (at < 0) return;
    this.queue.splice(at, 1);
    this.timedOut += 1;
    waiter.refuse(this.busyError(waiter.step));
    // The expired waiter may have been the head that held the others back.
    this.drain();
  }

  private tooLargeError(step: StepCost): Error {
    return new ResourceExhaustedError(
      'QUERY_TOO_LARGE',
      `${step.what} is more than one query instance handles at once, ${this.options.capacity} (TABA_QUERY_MAX_INFLIGHT_STATES): narrow the filter (names or clients) or raise the limit`,
    );
  }

  private tooSlowError(step: StepCost, expectedMs: number): Error {
    return new ResourceExhaustedError(
      'QUERY_TOO_SLOW',
      `${step.what} (${step.units} units) would take about ${Math.round(expectedMs)} ms at this query instance's recent rate, more than ${this.options.maxStepMs} ms (TABA_QUERY_MAX_READ_MS): narrow the filter (names or clients), retry when the instance is less busy, or raise the limit`,
    );
  }

  private busyError(step: StepCost): Error {
    const { capacity, maxWaitMs, maxStepMs } = this.options;
    const expectedMs = this.expectedMs(this.sharedUnits(step.units));
    const time =
      expectedMs === undefined
        ? ''
        : `, or about ${Math.round(expectedMs)} ms beside them, limit ${maxStepMs} ms (TABA_QUERY_MAX_READ_MS)`;
    return new ResourceExhaustedError(
      'OVERLOADED',
      `overloaded: ${step.what} (${step.units} units) did not fit within the ${maxWaitMs} ms a read may wait (TABA_QUERY_ADMISSION_WAIT_MS) next to the ${this.used} units in flight, limit ${capacity} (TABA_QUERY_MAX_INFLIGHT_STATES)${time}; retry with backoff`,
    );
  }

  /** Status counters under `prefix` (`queries.admission`). */
  metrics(prefix: string): Record<string, number> {
    return {
      [`${prefix}.units`]: this.used,
      [`${prefix}.units_peak`]: this.peak,
      [`${prefix}.units_limit`]: this.options.capacity,
      [`${prefix}.waiting`]: this.queue.length,
      [`${prefix}.admitted`]: this.admitted,
      [`${prefix}.waited`]: this.waited,
      [`${prefix}.refused_too_large`]: this.tooLarge,
      [`${prefix}.refused_too_slow`]: this.tooSlow,
      [`${prefix}.refused_busy`]: this.timedOut,
    };
  }
}
