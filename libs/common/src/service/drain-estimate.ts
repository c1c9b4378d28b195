/**
 * How long queued work would take to drain at the rate work completed lately: the one measure
 * behind Taba's time-based admission (ingest's batches, the aggregator's per-shard commits).
 * The rate is units completed per millisecond of being busy (some work in progress) over the
 * last window, so idle gaps neither dilute it nor throw it away: a burst after a pause is
 * judged by what the last busy stretch achieved. Until the window holds `minBusyMs` of busy
 * time (a cold start), each unit is taken to cost `assumedMsPerUnit`. Completions and
 * busy time are counted in a fixed ring of time slots, so memory is bounded whatever the load.
 * Pure: the clock is passed in.
 */

export interface DrainEstimateOptions {
  /** How far back completions and busy time count, ms. */
  readonly windowMs: number;
  /** The cost of a unit before the rate is measured, ms (spread over `parallelism`). */
  readonly assumedMsPerUnit: number;
  /** Units worked on at once before the rate is measured. @default 1 */
  readonly parallelism?: number;
  /** Busy time the window must hold before its rate counts, ms. @default windowMs / 5 */
  readonly minBusyMs?: number;
}

/** Slots of the ring: the window's resolution. */
const SLOTS = 20;

export class DrainEstimate {
  private readonly units = new Float64Array(SLOTS);
  private readonly busyMs = new Float64Array(SLOTS);
  private readonly stamps = new Float64Array(SLOTS).fill(-1);
  private readonly slotMs: number;
  /** Pieces of work in progress. */
  private active = 0;
  /** When busy time was last counted. */
  private countedTo = 0;

  constructor(private readonly options: DrainEstimateOptions) {
    this.slotMs = options.windowMs / SLOTS;
  }

  /** A piece of work started at `now`. */
  started(now: number): void {
    this.countBusy(now);
    this.active += 1;
  }

  /** A piece of work ended at `now`, having done `units` (0 when it failed). */
  ended(units: number, now: number): void {
    this.countBusy(now);
    this.active = Math.max(0, this.active - 1);
    const at = this.slotAt(now);
    this.units[at] = (this.units[at] ?? 0) + units;
  }

  /** How long `queuedUnits` would take, ms, at the recent rate (or the assumed cost). */
  estimatedMs(queuedUnits: number, now: number): number {
    const measured = this.measuredMsPerUnit(now);
    if (measured === undefined) {
      return (queuedUnits * this.options.assumedMsPerUnit) / (this.options.parallelism ?? 1);
    }
    return queuedUnits * measured;
  }

  /**
   * Busy milliseconds per unit completed over the window, or undefined while the window holds
   * less than `minBusyMs` of busy time (nothing measured yet, or long idle).
   */
  measuredMsPerUnit(now: number): number | undefined {
    this.countBusy(now);
    const current = Math.floor(now / this.slotMs);
    let busy = 0;
    let done = 0;
    for (let at = 0; at < SLOTS; at += 1) {
      const stamp = this.stamps[at] ?? -1;
      if (stamp > current - SLOTS && stamp <= current) {
        busy += this.busyMs[at] ?? 0;
        done += this.units[at] ?? 0;
      }
    }
    if (busy < (this.options.minBusyMs ?? this.options.windowMs / 5) || done === 0)
      return undefined;
    return busy / done;
  }

  /** Adds the time since the last count to the busy time, if anything was in progress. */
  private countBusy(now: number): void {
    if (this.active > 0 && now > this.countedTo) {
      const at = this.slotAt(now);
      this.busyMs[at] = (this.busyMs[at] ?? 0) + (now - this.countedTo);
    }
    this.countedTo = Math.max(this.countedTo, now);
  }

  /** The ring slot of `now`, emptied first if it last held an older slot's figures. */
  private slotAt(now: number): number {
    const slot = Math.floor(now / this.slotMs);
    const at = slot % SLOTS;
    if (this.stamps[at] !== slot) {
      this.stamps[at] = slot;
      this.units[at] = 0;
      this.busyMs[at] = 0;
    }
    return at;
  }
}
