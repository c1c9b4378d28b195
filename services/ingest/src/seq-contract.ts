import type { PartResult__Output } from '@taba/common';
import { FailedPreconditionError, InvalidArgumentError } from '@taba/common';

/** Why the mark check refused a part (aggregator.proto, PartResult.refused). */
export type SeqRefusal = 'SEQ_REGRESSION' | 'SESSION_FENCED';

/**
 * Refuses a seq or session that cannot be compared exactly (above 2^53 − 1: JavaScript numbers
 * and the commit script's Lua numbers lose digits there) and a session that claims to start
 * further ahead of this server's clock than the skew limit: a session is the time its process
 * started, so a later process can always fence whoever took the client ID before it.
 */
export function checkSequence(
  batch: { readonly seq: number; readonly session: number },
  nowSeconds: number,
  futureSkewSeconds: number,
): void {
  if (batch.seq > Number.MAX_SAFE_INTEGER) {
    throw new InvalidArgumentError(
      'INVALID_SEQ',
      `seq ${batch.seq} is above 2^53 - 1 (${Number.MAX_SAFE_INTEGER}), the largest seq compared exactly`,
    );
  }
  const latestSession = Math.floor((nowSeconds + futureSkewSeconds) * 1e6);
  if (batch.session > latestSession) {
    throw new InvalidArgumentError(
      'INVALID_SESSION',
      `session ${batch.session} starts after now + ${futureSkewSeconds} s (${latestSession} µs since the epoch; TABA_FUTURE_SKEW_SECONDS): a session is when its process started, in microseconds since the Unix epoch`,
    );
  }
}

/** What the parts' results say about the batch as a whole, beyond applied and duplicate. */
export interface SeqOutcome {
  /** Set when a part was refused: the batch fails with this error. */
  readonly refusal?: FailedPreconditionError;
  /** The reason of the refusal, for the counters. */
  readonly refusedReason?: SeqRefusal;
  /** Parts refused. */
  readonly refusedParts: number;
  /** Set when this batch's session took over from an older one on some partition. */
  readonly fencedSession?: number;
}

interface BatchIdentity {
  readonly clientId: string;
  readonly seq: number;
  readonly session: number;
}

/**
 * Reads the parts' results of one batch: any part refused fails the batch (SESSION_FENCED before
 * SEQ_REGRESSION: a fenced process must stop, which resending cannot cure), and the message
 * says how many events the other parts applied, so nothing that was applied is hidden. An
 * applied part whose previous mark was an older session's means this batch's session fenced it.
 */
export function readSeqOutcome(
  batch: BatchIdentity,
  results: Iterable<PartResult__Output>,
  appliedEvents: number,
): SeqOutcome {
  const refused: PartResult__Output[] = [];
  let fencedSession: number | undefined;
  for (const result of results) {
    if (result.refused === 'SEQ_REGRESSION' || result.refused === 'SESSION_FENCED') {
      refused.push(result);
    } else if (tookOver(batch, result)) {
      fencedSession = Math.max(fencedSession ?? 0, result.markSession);
    }
  }
  const first = refused.find(result => result.refused === 'SESSION_FENCED') ?? refused[0];
  if (first === undefined) return { refusedParts: 0, fencedSession };
  const reason = first.refused as SeqRefusal;
  const mark = `session ${first.markSession}, seq ${first.markSeq}`;
  const what =
    reason === 'SESSION_FENCED'
      ? `session ${batch.session} of client "${batch.clientId}" is fenced: a newer session (${mark}) has taken the client ID over; stop this process or give it its own client ID`
      : `seq ${batch.seq} of client "${batch.clientId}" (session ${batch.session}) is below the client's mark (${mark}): each batch needs a higher seq than the last; resending the last one is a duplicate`;
  const elsewhere =
    appliedEvents > 0 ? `; ${appliedEvents} events of its other partitions were applied` : '';
  return {
    refusal: new FailedPreconditionError(
      reason,
      `${what} (refused on ${refused.length} of the batch's partitions${elsewhere})`,
    ),
    refusedReason: reason,
    refusedParts: refused.length,
    fencedSession,
  };
}

/** An applied part that replaced an older session's mark (a mark exists when its seq is set). */
function tookOver(batch: BatchIdentity, result: PartResult__Output): boolean {
  return (
    !result.duplicate && batch.seq > 0 && result.markSeq > 0 && result.markSession < batch.session
  );
}
