import type { CommitResponse } from '@taba/common';
import { RecentLatency, RecentRate } from '@taba/common';

/** Counters the aggregator reports in GetStatus. */
export class CommitStats {
  requests = 0;
  parts = 0;
  duplicateParts = 0;
  /** Parts refused by the mark check, by reason (SEQ_REGRESSION, SESSION_FENCED). */
  regressedParts = 0;
  fencedParts = 0;
  conflictingTabs = 0;
  eventsApplied = 0;
  failedRequests = 0;
  shardCommits = 0;
  shardCommitFailures = 0;
  /** Shard calls Redis refused at its maxmemory (REDIS_OUT_OF_MEMORY). */
  redisOutOfMemory = 0;
  /** Tabs refused by a cardinality cap (TAB_LIMIT). */
  refusedTabs = 0;
  /** Events applied per second over the last minute. */
  readonly appliedRate = new RecentRate();
  /** From a Commit's arrival to its answer (the group commit's lag), ms, last 1024. */
  readonly commitMs: RecentLatency;

  /** @param observeCommitMs also given every Commit's latency (the `/metrics` histogram) */
  constructor(observeCommitMs?: (ms: number) => void) {
    this.commitMs = new RecentLatency(1024, observeCommitMs);
  }

  recordResponse(response: CommitResponse): void {
    this.requests += 1;
    for (const result of response.results ?? []) {
      this.parts += 1;
      if (result.duplicate) this.duplicateParts += 1;
      if (result.refused === 'SEQ_REGRESSION') this.regressedParts += 1;
      if (result.refused === 'SESSION_FENCED') this.fencedParts += 1;
      this.conflictingTabs += result.conflicts?.length ?? 0;
      this.refusedTabs += result.refusedTabs?.length ?? 0;
      this.eventsApplied += Number(result.events ?? 0);
      this.appliedRate.add(Number(result.events ?? 0));
    }
  }

  metrics(): Record<string, number> {
    return {
      'commit.requests': this.requests,
      'commit.requests_failed': this.failedRequests,
      'commit.parts': this.parts,
      'commit.parts_duplicate': this.duplicateParts,
      'commit.parts_refused.SEQ_REGRESSION': this.regressedParts,
      'commit.parts_refused.SESSION_FENCED': this.fencedParts,
      'commit.tabs_conflicting': this.conflictingTabs,
      'commit.events_applied': this.eventsApplied,
      'commit.shard_calls': this.shardCommits,
      'commit.shard_calls_failed': this.shardCommitFailures,
      'commit.shard_calls_out_of_memory': this.redisOutOfMemory,
      'commit.tabs_refused_limit': this.refusedTabs,
      'commit.events_applied_per_second': Math.round(this.appliedRate.perSecond()),
      ...this.commitMs.metrics('commit.lag_ms'),
    };
  }
}
