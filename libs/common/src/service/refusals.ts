import { isTabaError } from '../errors/taba-error.js';

/**
 * Requests refused by a limit, counted by reason: every limit of a service counts its refusals
 * here, and status shows them as `refused.<REASON>` (e.g. `refused.MESSAGE_TOO_LARGE`).
 */
export class Refusals {
  private readonly counts = new Map<string, number>();

  count(reason: string): void {
    this.counts.set(reason, (this.counts.get(reason) ?? 0) + 1);
  }

  /** Counts `error` when it is a refusal (RESOURCE_EXHAUSTED or INVALID_ARGUMENT), by reason. */
  countError(error: unknown): void {
    if (!isTabaError(error)) return;
    if (error.kind === 'RESOURCE_EXHAUSTED' || error.kind === 'INVALID_ARGUMENT') {
      this.count(error.reason);
    }
  }

  get(reason: string): number {
    return this.counts.get(reason) ?? 0;
  }

  metrics(): Record<string, number> {
    const metrics: Record<string, number> = {};
    for (const [reason, count] of this.counts) metrics[`refused.${reason}`] = count;
    return metrics;
  }
}
