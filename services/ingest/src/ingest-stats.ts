import { RecentLatency, RecentRate } from '@taba/common';
import type { BatchRejection } from './batch-folding.js';
import type { SeqOutcome } from './seq-contract.js';

/** Counters the ingest service reports in GetStatus: every refused event is counted by reason. */
export class IngestStats {
  batches = 0;
  batchesFailed = 0;
  eventsReceived = 0;
  eventsApplied = 0;
  duplicateParts = 0;
  /** Batches refused by the mark check, by reason (SEQ_REGRESSION, SESSION_FENCED). */
  private readonly refusedBatches = new Map<string, number>();
  /** Batches whose session took over from an older one of the same client ID. */
  olderSessionsFenced = 0;
  /** Events applied per second, over the last minute. */
  readonly appliedRate = new RecentRate();
  /** From a batch's arrival to its answer, ms (the last 1024 batches). */
  readonly latencyMs: RecentLatency;
  private readonly rejected = new Map<string, number>();

  /** @param observeBatchMs also given every batch's latency (the `/metrics` histogram) */
  constructor(observeBatchMs?: (ms: number) => void) {
    this.latencyMs = new RecentLatency(1024, observeBatchMs);
  }

  recordOutcome(
    applied: number,
    rejections: readonly BatchRejection[],
    duplicateParts: number,
  ): void {
    this.eventsApplied += applied;
    this.duplicateParts += duplicateParts;
    for (const rejection of rejections) {
      this.rejected.set(rejection.code, (this.rejected.get(rejection.code) ?? 0) + 1);
    }
  }

  recordSeqOutcome(outcome: SeqOutcome): void {
    if (outcome.fencedSession !== undefined) this.olderSessionsFenced += 1;
    const reason = outcome.refusedReason;
    if (reason) this.refusedBatches.set(reason, (this.refusedBatches.get(reason) ?? 0) + 1);
  }

  metrics(extra: Record<string, number>): Record<string, number> {
    const metrics: Record<string, number> = {
      'ingest.batches': this.batches,
      'ingest.batches_failed': this.batchesFailed,
      'ingest.events_received': this.eventsReceived,
      'ingest.events_applied': this.eventsApplied,
      'ingest.parts_duplicate': this.duplicateParts,
      'ingest.batches_refused.SEQ_REGRESSION': this.refusedBatches.get('SEQ_REGRESSION') ?? 0,
      'ingest.batches_refused.SESSION_FENCED': this.refusedBatches.get('SESSION_FENCED') ?? 0,
      'ingest.older_sessions_fenced': this.olderSessionsFenced,
      'ingest.events_applied_per_second': Math.round(this.appliedRate.perSecond()),
      ...this.latencyMs.metrics('ingest.batch_ms'),
      ...extra,
    };
    for (const [code, count] of this.rejected) metrics[`ingest.events_rejected.${code}`] = count;
    return metrics;
  }
}
