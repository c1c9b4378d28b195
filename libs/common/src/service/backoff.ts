/** Exponential backoff with jitter: how anything in Taba waits before trying again. */
export interface BackoffOptions {
  /** Wait before the first retry, ms. */
  readonly initialMs: number;
  /** Longest wait between two attempts, ms. */
  readonly maxMs: number;
  /** Each wait is the previous one times this. */
  readonly multiplier: number;
  /** Each wait is moved randomly by up to this fraction, either way (0 to 1), so that many
   * callers do not retry in step after a shared outage. */
  readonly jitter: number;
}

/** The wait before retry number `attempt` (1 for the first retry), ms. */
export function backoffMs(
  backoff: BackoffOptions,
  attempt: number,
  random: () => number = Math.random,
): number {
  const base = Math.min(backoff.maxMs, backoff.initialMs * backoff.multiplier ** (attempt - 1));
  return Math.max(0, base * (1 + backoff.jitter * (2 * random() - 1)));
}
