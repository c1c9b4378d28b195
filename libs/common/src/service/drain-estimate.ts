/**
 * How long queued work would take to drain at the rate work completed lately: the one measure
 * behind Taba's time-based admission (ingest's batches, the aggregator's per-shard commits).
 * Completions are counted in a fixed ring of time slots, so memory is bounded whatever the
 * load. Until the work has been busy for a fifth of the window (the start of a burst after
 * idle), each unit is taken to cost `assumedMsPerUnit`: without it, the first moments of a
 * burst would admit any queue at all. Pure: the clock is passed in.
 */

export interface DrainEstimateOptions {
  /** How far back completions count, ms. */
  readonly windowMs: number;
  /** The cost of a unit before the rate is measured, ms (spread over `parallelism`). */
  readonly assumedMsPerUnit: number;
  /** Units worked on at once before the rate is measured. @default 1 */
  readonly parallelism?: number;
}

/** Slots of the completion ring: the window's resolution. */
const SLOTS = 20;

export class DrainEstimate {
  private readonly units = new Float64Array(SLOTS);
  private readonly stamps = new Float64Array(SLOTS).fill(-1);
  private readonly slotMs: number;
  private busySince: number | undefined;

  constructor(private readonly options: DrainEstimateOptions) {
    this.slotMs = options.windowMs / SLOTS;
  }

  /** Work started (the first of a burst marks when being busy began). */
  started(now: number): void {
    this.busySince ??= now;
  }

  /** `units` of work completed at `now`. */
  completed(units: number, now: number): void {
    const slot = Math.floor(now / this.slotMs);
    const at = slot % SLOTS;
    if (this.stamps[at] !== slot) {
      this.stamps[at] = slot;
      this.units[at] = 0;
    }
    this.units[at] = (this.units[at] ?? 0) + units;
  }

  /** Nothing is in progress: the rate measured so far says nothing about the next burst. */
  idle(): void {
    this.busySince = undefined;
    this.stamps.fill(-1);
  }

  /** How long `queuedUnits` would take, ms, at the recent rate (or the assumed cost). */
  estimatedMs(queuedUnits: number, now: number): number {
    const assumed = (queuedUnits * this.options.assumedMsPerUnit) / (this.options.parallelism ?? 1);
    if (this.busySince === undefined) return assumed;
    const span = Math.min(this.options.windowMs, now - this.busySince);
    if (span < this.options.windowMs / 5) return assumed;
    const done = this.completedWithin(now);
    if (done === 0) return assumed;
    return (queuedUnits * span) / done;
  }

  /** Units completed within the window before `now`. */
  private completedWithin(now: number): number {
    const current = Math.floor(now / this.slotMs);
    let total = 0;
    for (let at = 0; at < SLOTS; at += 1) {
      const stamp = this.stamps[at] ?? -1;
      if (stamp > current - SLOTS && stamp <= current) total += this.units[at] ?? 0;
    }
    return total;
  }
}
