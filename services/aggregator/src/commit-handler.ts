import type { AggregatorHandlers, CommitRequest__Output, Logger } from '@taba/common';
import { contextFromMetadata, InflightBudget, inSpan, SpanKind, toGrpcStatus } from '@taba/common';
import { toCommitParts, toCommitResponse } from './commit-request.js';
import type { CommitStats } from './commit-stats.js';
import type { GroupCommitter } from './group-commit.js';

export interface CommitHandlerOptions {
  readonly partitionCount: number;
  readonly committer: GroupCommitter;
  readonly stats: CommitStats;
  /** Delta bytes waiting for or in a commit: beyond it, RESOURCE_EXHAUSTED (back-pressure). */
  readonly budget: InflightBudget;
  readonly logger: Logger;
}

/** The budget of delta bytes in flight, from TABA_AGGREGATOR_MAX_PENDING_BYTES. */
export function pendingBudget(maxPendingBytes: number): InflightBudget {
  return new InflightBudget(maxPendingBytes, 'delta bytes', 'TABA_AGGREGATOR_MAX_PENDING_BYTES');
}

/**
 * Commit: checks the request, holds its bytes against the pending budget (refused at once when
 * Redis falls behind, so memory stays bounded), group-commits its parts and answers per part.
 */
export function commitHandler(options: CommitHandlerOptions): AggregatorHandlers['Commit'] {
  const { committer, stats, budget, logger } = options;
  return (call, callback) => {
    let parts: ReturnType<typeof toCommitParts>;
    let release: () => void;
    try {
      parts = toCommitParts(call.request, options.partitionCount);
      release = budget.acquire(deltaBytes(call.request));
    } catch (error) {
      stats.failedRequests += 1;
      callback(toGrpcStatus(error));
      return;
    }
    const started = performance.now();
    // The parts' group commits link to this span (see GroupCommitter).
    inSpan(
      'taba.internal.v1.Aggregator/Commit',
      {
        kind: SpanKind.SERVER,
        parent: contextFromMetadata(call.metadata),
        attributes: { 'rpc.system': 'grpc', 'taba.parts': parts.length },
      },
      () => committer.submit(parts),
    ).then(
      outcomes => {
        release();
        stats.commitMs.add(performance.now() - started);
        const response = toCommitResponse(call.request, outcomes);
        stats.recordResponse(response);
        callback(null, response);
      },
      (error: unknown) => {
        release();
        stats.failedRequests += 1;
        logger.warn({ err: error }, 'commit failed');
        callback(toGrpcStatus(error));
      },
    );
  };
}

/** The Delta bytes of a request, as they came (the budget's unit). */
function deltaBytes(request: CommitRequest__Output): number {
  let bytes = 0;
  for (const part of request.parts) for (const tab of part.tabs) bytes += tab.delta.length;
  return bytes;
}
