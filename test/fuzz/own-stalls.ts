// How long this process's own event loop was held up: a send that waited through such a stall
// may have had its answer in the socket's buffer all along, so the stall is the fuzzer's time,
// not the service's. A timer due every `intervalMs` adds up how late it runs.
export class OwnStalls {
  private totalMs = 0;
  /** The longest single stall seen, ms. */
  longestMs = 0;
  private lastTick: number;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly intervalMs = 10,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.lastTick = this.now();
    this.timer = setInterval(() => this.tick(), intervalMs);
    this.timer.unref();
  }

  /** The stalls so far, ms, counting one still going on (its callback has not run yet). */
  stalledMs(): number {
    return this.totalMs + Math.max(0, this.now() - this.lastTick - this.intervalMs);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private tick(): void {
    const at = this.now();
    const stall = Math.max(0, at - this.lastTick - this.intervalMs);
    this.totalMs += stall;
    this.longestMs = Math.max(this.longestMs, stall);
    this.lastTick = at;
  }
}
