import { ResourceExhaustedError } from '../errors/taba-error.js';

/**
 * Back-pressure: work is admitted while the units it holds (events, bytes, parts) fit a
 * budget; beyond it the caller gets RESOURCE_EXHAUSTED (reason OVERLOADED) at once, before
 * it costs memory, and retries later. One piece of work larger than the whole budget still
 * runs when nothing else does, so no size is refused for ever.
 */
export class InflightBudget {
  private used = 0;
  /** Work refused since start. */
  refused = 0;
  /** Most units held at once since start. */
  peak = 0;

  /**
   * @param limit units that may be in flight together
   * @param what what the units are, for the message ("events", "bytes")
   * @param variable the setting that holds the limit, for the message
   */
  constructor(
    readonly limit: number,
    private readonly what: string,
    private readonly variable: string,
  ) {}

  get inFlight(): number {
    return this.used;
  }

  /** Holds `units` until the returned release is called (once; later calls do nothing). */
  acquire(units: number): () => void {
    if (this.used > 0 && this.used + units > this.limit) {
      this.refused += 1;
      throw new ResourceExhaustedError(
        'OVERLOADED',
        `overloaded: ${this.used} ${this.what} in flight and ${units} more would pass the limit of ${this.limit} (${this.variable}); retry with backoff`,
      );
    }
    this.used += units;
    if (this.used > this.peak) this.peak = this.used;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.used -= units;
    };
  }

  /** Status counters under `prefix` (e.g. `ingest.inflight_events`). */
  metrics(prefix: string): Record<string, number> {
    return {
      [prefix]: this.used,
      [`${prefix}_peak`]: this.peak,
      [`${prefix}_limit`]: this.limit,
      [`${prefix}_refused`]: this.refused,
    };
  }
}
