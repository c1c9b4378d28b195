/**
 * Figures over the recent past for status pages: a rate over the last minute, and latency
 * percentiles over the last samples. Bounded memory whatever the load.
 */

/** Units per second over the last `seconds` whole seconds (the current one excluded). */
export class RecentRate {
  private readonly counts: Float64Array;
  private readonly stamps: Float64Array;

  constructor(
    private readonly seconds = 60,
    private readonly now: () => number = () => Date.now() / 1000,
  ) {
    this.counts = new Float64Array(seconds + 1);
    this.stamps = new Float64Array(seconds + 1).fill(-1);
  }

  add(units: number): void {
    const second = Math.floor(this.now());
    const slot = second % this.counts.length;
    if (this.stamps[slot] !== second) {
      this.stamps[slot] = second;
      this.counts[slot] = 0;
    }
    this.counts[slot] = (this.counts[slot] ?? 0) + units;
  }

  /** Mean units per second over the last `seconds` complete seconds. */
  perSecond(): number {
    const current = Math.floor(this.now());
    let total = 0;
    for (let slot = 0; slot < this.counts.length; slot += 1) {
      const stamp = this.stamps[slot] ?? -1;
      if (stamp < current && stamp >= current - this.seconds) total += this.counts[slot] ?? 0;
    }
    return total / this.seconds;
  }
}

/** Percentiles of the last `capacity` samples (e.g. commit latencies, ms). */
export class RecentLatency {
  private readonly samples: Float64Array;
  private next = 0;
  private filled = 0;

  /** @param observe also given every sample (e.g. a Prometheus histogram's observe) */
  constructor(
    capacity = 1024,
    private readonly observe?: (value: number) => void,
  ) {
    this.samples = new Float64Array(capacity);
  }

  add(value: number): void {
    this.observe?.(value);
    this.samples[this.next] = value;
    this.next = (this.next + 1) % this.samples.length;
    if (this.filled < this.samples.length) this.filled += 1;
  }

  /** p50, p99 and max of the recent samples (0 when there are none). */
  summary(): { p50: number; p99: number; max: number } {
    if (this.filled === 0) return { p50: 0, p99: 0, max: 0 };
    const sorted = this.samples.slice(0, this.filled).sort();
    const at = (q: number) => sorted[Math.min(this.filled - 1, Math.floor(q * this.filled))] ?? 0;
    return { p50: at(0.5), p99: at(0.99), max: sorted[this.filled - 1] ?? 0 };
  }

  /** The summary as status metrics, rounded to 0.1: `<prefix>_p50`, `_p99`, `_max`. */
  metrics(prefix: string): Record<string, number> {
    const { p50, p99, max } = this.summary();
    const round = (value: number) => Math.round(value * 10) / 10;
    return {
      [`${prefix}_p50`]: round(p50),
      [`${prefix}_p99`]: round(p99),
      [`${prefix}_max`]: round(max),
    };
  }
}
