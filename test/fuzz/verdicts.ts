// What an answer means for the fuzz run: the service handled the input (an answer or a clear
// refusal) or it did not (a crash-class answer). Slowness is judged by the runner.
import { status } from '@grpc/grpc-js';

export type Verdict = 'ok' | 'refused' | 'crash' | 'hang';

export interface Answer {
  /** The status as seen, e.g. `OK`, `INVALID_ARGUMENT`, `HTTP 413`, `no answer`. */
  readonly status: string;
  readonly verdict: Verdict;
  /** The reason or message that came with it, for the report. */
  readonly detail?: string;
  /**
   * How long the answer took when that is not the whole send (a slow body is slow on purpose:
   * what counts is the time from its last byte), ms.
   */
  readonly latencyMs?: number;
}

/** Refusals that tell the caller what was wrong with its input or its standing. */
const CLEAR_REFUSALS: ReadonlySet<status> = new Set([
  status.INVALID_ARGUMENT,
  status.NOT_FOUND,
  status.ALREADY_EXISTS,
  status.PERMISSION_DENIED,
  status.RESOURCE_EXHAUSTED,
  status.FAILED_PRECONDITION,
  status.OUT_OF_RANGE,
  status.UNAUTHENTICATED,
]);

/**
 * A gRPC status: OK and clear refusals are handled; DEADLINE_EXCEEDED is a hang; UNKNOWN,
 * INTERNAL, DATA_LOSS, UNAVAILABLE (a service gone), CANCELLED (by the server, not us) and
 * UNIMPLEMENTED (a public method that does not answer) are crashes.
 */
export function grpcVerdict(code: status): Verdict {
  if (code === status.OK) return 'ok';
  if (CLEAR_REFUSALS.has(code)) return 'refused';
  if (code === status.DEADLINE_EXCEEDED) return 'hang';
  return 'crash';
}

export function grpcStatusName(code: status): string {
  return status[code] ?? `code ${code}`;
}

/**
 * An HTTP status: 2xx handled, 4xx a clear refusal, and so is 503 with the reason OVERLOADED
 * (how `/post_zip` answers overload, for Taba's agent); anything else (5xx) a crash.
 */
export function httpVerdict(code: number, reason?: string): Verdict {
  if (code >= 200 && code < 300) return 'ok';
  if (code >= 400 && code < 500) return 'refused';
  if (code === 503 && reason === 'OVERLOADED') return 'refused';
  return 'crash';
}
