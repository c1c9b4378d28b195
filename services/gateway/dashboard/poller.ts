// Live views refresh on a timer: a tick while the last one is still in flight is skipped (never
// two requests of one view at once), and leaving the view stops the timer and aborts the call.

export type Stop = () => void;

export function poll(task: (signal: AbortSignal) => Promise<void>, intervalMs: number): Stop {
  const abort = new AbortController();
  let inFlight = false;
  const tick = () => {
    if (inFlight || abort.signal.aborted) return;
    inFlight = true;
    task(abort.signal)
      .catch(() => {
        // Each task shows its own errors; a rejection here is an aborted call.
      })
      .finally(() => {
        inFlight = false;
      });
  };
  tick();
  const timer = setInterval(tick, intervalMs);
  return () => {
    clearInterval(timer);
    abort.abort();
  };
}

/** True for the rejection of a call aborted because its view was left. */
export function isAbort(error: unknown, signal: AbortSignal): boolean {
  return signal.aborted || (error instanceof DOMException && error.name === 'AbortError');
}
