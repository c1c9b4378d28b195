import { setTimeout as sleep } from 'node:timers/promises';

/** How `pollUntil` waits. */
export interface PollOptions {
  /** What is awaited, for the timeout message (e.g. 'redis PING on 127.0.0.1:6379'). */
  readonly what: string;
  /** Gives up after this long, ms. Each attempt must bound its own duration (deadline, timeout). */
  readonly timeoutMs: number;
  /** Pause between attempts, ms. @default 50 */
  readonly intervalMs?: number;
  /** Stops early with the signal's reason, e.g. when the awaited process exited. */
  readonly signal?: AbortSignal;
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Calls `attempt` until it returns something other than `undefined`, and returns that.
 * A throwing attempt counts as "not yet"; its error is quoted if time runs out.
 * Never a fixed sleep: the first attempt runs at once, later ones every `intervalMs`.
 */
export async function pollUntil<T>(
  attempt: () => Promise<T | undefined> | T | undefined,
  options: PollOptions,
): Promise<T> {
  const { what, timeoutMs, intervalMs = 50, signal } = options;
  const giveUpAt = performance.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    signal?.throwIfAborted();
    try {
      const value = await attempt();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    signal?.throwIfAborted();
    if (performance.now() + intervalMs > giveUpAt) {
      const last = lastError === undefined ? '' : `; last error: ${describeError(lastError)}`;
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last}`);
    }
    try {
      await sleep(intervalMs, undefined, signal ? { signal } : {});
    } catch (error) {
      // Aborted while sleeping: report why, not the AbortError.
      signal?.throwIfAborted();
      throw error;
    }
  }
}
