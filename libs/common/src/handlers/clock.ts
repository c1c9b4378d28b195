/** Where handlers, validation and pruning get "now" from: injected, so tests control time. */
export interface Clock {
  /** Epoch seconds (fractional). */
  nowSeconds(): number;
}

export const systemClock: Clock = { nowSeconds: () => Date.now() / 1000 };

/** A clock that moves only when told to. */
export class ManualClock implements Clock {
  constructor(private now: number) {}

  nowSeconds(): number {
    return this.now;
  }

  set(seconds: number): void {
    this.now = seconds;
  }

  advance(seconds: number): void {
    this.now += seconds;
  }
}
