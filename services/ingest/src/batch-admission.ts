import { DrainEstimate, ResourceExhaustedError } from '@taba/common';

export interface BatchAdmissionOptions {
  /** A batch is refused when what is ahead of it would take longer than this, ms. */
  readonly maxQueueMs: number;
  /** How far back answered batches count for the rate, ms. @default 5000 */
  readonly windowMs?: number;
}

/**
 * Until ingest's rate is measured (the start of a burst), each batch byte is taken to cost
 * this much end to end, ms: about what the whole stack spends on a byte of a 1,000-Tab batch
 * on a 2-core machine (pessimistic for deep batches, which only matters for the first second).
 */
const ASSUMED_MS_PER_BYTE = 0.002;
/** Of the caller's remaining deadline, the share a batch may spend waiting behind others. */
const DEADLINE_SHARE = 0.5;

/**
 * Admission by time: a batch is taken while the batches in flight ahead of it would be answered
 * within TABA_INGEST_MAX_QUEUE_MS and half its caller's remaining deadline, at the rate (bytes
 * per second) ingest answered batches lately; beyond, it is refused at once with OVERLOADED.
 * At capacity a caller backs off and sends again later, instead of waiting until its deadline
 * passes and sending the same batch again, which would do the work twice. Bytes, because they
 * are known before anything is decoded: the refusal costs nothing. A batch with nothing ahead
 * of it is always taken, so no size is refused for ever. Pure but for the clock passed in.
 */
export class BatchAdmission {
  private inFlightBytes = 0;
  private readonly drain: DrainEstimate;
  /** Batches refused since start. */
  refused = 0;

  constructor(
    private readonly options: BatchAdmissionOptions,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.drain = new DrainEstimate({
      windowMs: options.windowMs ?? 5000,
      assumedMsPerUnit: ASSUMED_MS_PER_BYTE,
    });
  }

  /**
   * Takes a batch of `bytes`, or throws OVERLOADED. `deadlineInMs`: the caller's remaining
   * deadline (none for a stream's batches). The returned release ends the batch (once).
   */
  admit(bytes: number, deadlineInMs?: number): () => void {
    const now = this.now();
    if (this.inFlightBytes > 0) {
      const limitMs = Math.min(
        this.options.maxQueueMs,
        deadlineInMs === undefined ? Number.POSITIVE_INFINITY : deadlineInMs * DEADLINE_SHARE,
      );
      const waitMs = this.drain.estimatedMs(this.inFlightBytes + bytes, now);
      if (waitMs > limitMs) {
        this.refused += 1;
        throw new ResourceExhaustedError(
          'OVERLOADED',
          `overloaded: the batches ahead of this one would take ${Math.round(waitMs)} ms, over ${Math.round(limitMs)} ms (TABA_INGEST_MAX_QUEUE_MS ${this.options.maxQueueMs}, or half the call's remaining deadline); retry with backoff`,
        );
      }
    }
    this.drain.started(now);
    this.inFlightBytes += bytes;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.inFlightBytes -= bytes;
      this.drain.ended(bytes, this.now());
    };
  }

  /** Status counters under `prefix`. */
  metrics(prefix: string): Record<string, number> {
    return {
      [`${prefix}_queue_ms`]: Math.round(this.drain.estimatedMs(this.inFlightBytes, this.now())),
      [`${prefix}_refused`]: this.refused,
    };
  }
}
