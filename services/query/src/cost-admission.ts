/**
 * Admission by cost. Each costly step of a read (listing the clients of Tabs, reading and
 * merging States, rendering them) asks for as many units as the items it will handle; steps
 * run while their units fit the capacity, so the work in flight, and with it every answer's
 * latency and the memory it holds, stays bounded however many requests arrive. A step that does
 * not fit waits in line (first come, first served) for at most `maxWaitMs`, then is refused with
 * RESOURCE_EXHAUSTED (OVERLOADED) and never runs. A step larger than the whole capacity runs
 * when nothing else does, so no size allowed by the per-query limits is refused for ever.
 *
 * A step holds its units only while it runs and never asks for more meanwhile, so steps cannot
 * wait for each other in a circle.
 */
import { ResourceExhaustedError } from '@taba/common';

export interface CostAdmissionOptions {
  /** Units (States, client sets, rendered bodies) in flight at once (TABA_QUERY_MAX_INFLIGHT_STATES). */
  readonly capacity: number;
  /** Longest a step waits for room before it is refused, ms (TABA_QUERY_ADMISSION_WAIT_MS). */
  readonly maxWaitMs: number;
  /** Starts a timer; answers how to cancel it. @default setTimeout */
  readonly schedule?: (ms: number, fire: () => void) => () => void;
}

interface Waiter {
  readonly cost: number;
  readonly what: string;
  readonly admit: (release: () => void) => void;
  readonly refuse: (error: Error) => void;
  cancelTimer: () => void;
}

function scheduleTimeout(ms: number, fire: () => void): () => void {
  const timer = setTimeout(fire, ms);
  return () => clearTimeout(timer);
}

export class CostAdmission {
  private used = 0;
  private readonly queue: Waiter[] = [];
  /** Steps admitted, refused, and admitted only after waiting, since start. */
  admitted = 0;
  refused = 0;
  waited = 0;
  /** Most units in flight at once since start. */
  peak = 0;

  constructor(private readonly options: CostAdmissionOptions) {}

  get inFlight(): number {
    return this.used;
  }

  get waiting(): number {
    return this.queue.length;
  }

  private fits(cost: number): boolean {
    return this.used === 0 || this.used + cost <= this.options.capacity;
  }

  /**
   * Resolves with the step's release (call it once the step is done; later calls do nothing)
   * when `cost` units fit; rejects with OVERLOADED when they do not within maxWaitMs. A cost of
   * 0 or less is admitted at once. `what` names the step for the message ("reading 40 States").
   */
  admit(cost: number, what: string): Promise<() => void> {
    if (cost <= 0) return Promise.resolve(() => undefined);
    if (this.queue.length === 0 && this.fits(cost)) return Promise.resolve(this.hold(cost));
    if (this.options.maxWaitMs <= 0) return Promise.reject(this.refusal(cost, what));
    return new Promise((admit, refuse) => {
      const waiter: Waiter = { cost, what, admit, refuse, cancelTimer: () => undefined };
      waiter.cancelTimer = (this.options.schedule ?? scheduleTimeout)(this.options.maxWaitMs, () =>
        this.expire(waiter),
      );
      this.queue.push(waiter);
    });
  }

  private hold(cost: number): () => void {
    this.used += cost;
    this.admitted += 1;
    if (this.used > this.peak) this.peak = this.used;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.used -= cost;
      this.drain();
    };
  }

  /** Admits waiters from the head of the line while they fit. */
  private drain(): void {
    for (let head = this.queue[0]; head && this.fits(head.cost); head = this.queue[0]) {
      this.queue.shift();
      head.cancelTimer();
      this.waited += 1;
      head.admit(this.hold(head.cost));
    }
  }

  private expire(waiter: Waiter): void {
    const at = this.queue.indexOf(waiter);
    if (at < 0) return;
    this.queue.splice(at, 1);
    waiter.refuse(this.refusal(waiter.cost, waiter.what));
    // The expired waiter may have been the head that held the others back.
    this.drain();
  }

  private refusal(cost: number, what: string): Error {
    this.refused += 1;
    const { capacity, maxWaitMs } = this.options;
    return new ResourceExhaustedError(
      'OVERLOADED',
      `overloaded: ${what} (${cost} units) did not fit within ${maxWaitMs} ms (TABA_QUERY_ADMISSION_WAIT_MS) next to the ${this.used} units in flight, limit ${capacity} (TABA_QUERY_MAX_INFLIGHT_STATES); retry with backoff or narrow the filter`,
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
      [`${prefix}.refused`]: this.refused,
    };
  }
}
