/**
 * One read shared by the requests that need it at about the same time, without serving any of
 * them data older than its own arrival: a request that arrives while a read is under way
 * (begun before it came, so possibly older than what it must see) waits for the next read,
 * which begins when that one ends and serves everyone who arrived meanwhile. So at most two
 * reads are ever in flight or waiting, however many requests arrive, at the price of up to one
 * extra round trip. Used for the versions of every partition, which every pattern read needs.
 */
export class SharedRead<T> {
  private inFlight: Promise<T> | undefined;
  private next: Promise<T> | undefined;
  /** Reads begun since start. */
  reads = 0;

  constructor(private readonly readOnce: () => Promise<T>) {}

  /** A value read after this call began. Callers share it: they must not change it. */
  read(): Promise<T> {
    if (!this.inFlight) return this.start();
    this.next ??= this.inFlight
      .then(
        () => undefined,
        () => undefined,
      )
      .then(() => {
        this.next = undefined;
        return this.start();
      });
    return this.next;
  }

  private start(): Promise<T> {
    this.reads += 1;
    const reading = this.readOnce().finally(() => {
      if (this.inFlight === reading) this.inFlight = undefined;
    });
    this.inFlight = reading;
    return reading;
  }
}
