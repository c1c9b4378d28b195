// What run.ts and its load processes (load-worker.ts, library-worker.ts) say over IPC. The
// parent sets phase times in epoch ms (one clock on one machine); each process reports per
// phase, after its own bounded drain, so a slow stack delays a report but never blocks it.

/** Parent → worker, in this order. */
export type ParentMessage =
  | { readonly type: 'task'; readonly task: unknown }
  /** Load from `startAt`; measure [measureFrom, measureTo]; stop offering at measureTo. */
  | {
      readonly type: 'go';
      readonly startAt: number;
      readonly measureFrom: number;
      readonly measureTo: number;
    }
  /** Offer `rate` (batches/s; events/s for the library) until `until`. */
  | { readonly type: 'half'; readonly rate: number; readonly until: number };

export interface PhaseReport {
  /** Events applied, by answers received within the phase. */
  readonly applied: number;
  /** Batches acknowledged within the phase. */
  readonly batches: number;
  /** Ack latency of each of those batches (first send to acknowledgement), ms. */
  readonly latenciesMs: number[];
  /** Tabs of each of those batches summed (the library's batches vary). */
  readonly tabs: number;
  /** CPU this process used within the phase, ms. */
  readonly cpuMs: number;
}

export interface FinalReport {
  readonly half: PhaseReport;
  /** CounterGroup and PercentileGroup events acknowledged in the whole run, each batch once. */
  readonly countableAcknowledged: number;
  /** Failed attempts: retried ones, and the last of a batch given up on. */
  readonly failedAttempts: number;
  /** Batches given up on at the end of a drain, unacknowledged, and their countable events. */
  readonly abandoned: number;
  readonly abandonedCountable: number;
  /** Acknowledgements saying `duplicate` (applied by an earlier attempt): counted once. */
  readonly duplicates: number;
  /** Duplicate answers to a batch's first attempt: ingest retried a commit that had landed. */
  readonly firstAttemptDuplicates: number;
  /** The first few distinct messages of failed attempts. */
  readonly errorSamples: string[];
  /** The library's own counters (library-worker.ts only). */
  readonly library?: {
    readonly dropped: { bufferFull: number; rejectedBatch: number; closed: number };
    readonly retries: number;
    readonly rejected: number;
    /** Events applied, as the clients counted them (a cross-check of the answers seen). */
    readonly applied: number;
    readonly warnings: Record<string, number>;
  };
}

/** Worker → parent. */
export type WorkerMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'saturated'; readonly report: PhaseReport }
  | { readonly type: 'done'; readonly report: FinalReport }
  | { readonly type: 'error'; readonly message: string };

/**
 * After a phase stops offering load, how long its unanswered batches are still retried (raw),
 * or its clients still flush or close (library); what is left then is given up on, counted.
 */
export const PHASE_DRAIN_MS = 30_000;

/** Sends a message to the parent process; resolves once it has gone out. */
export function sendToParent(message: WorkerMessage): Promise<void> {
  return new Promise(resolve => process.send?.(message, () => resolve()));
}
