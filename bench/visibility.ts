// Event-to-query visibility: a probe client posts a marker event (its own Tab each time) and
// polls GetAggregates until the marker shows, ~PROBES times spread over the measured phase.
import { nowMs, sleepUntil } from './phase-recorder.js';
import type { TabaReads } from './taba-reads.js';

export const PROBES = 20;
/** A probe not visible by then counts as this long (and is reported). */
export const PROBE_TIMEOUT_MS = 10_000;
const POLL_MS = 5;

export interface Visibility {
  readonly timesMs: number[];
  readonly timedOut: number;
}

export async function probeVisibility(
  reads: TabaReads,
  from: number,
  to: number,
): Promise<Visibility> {
  const timesMs: number[] = [];
  let timedOut = 0;
  const seq = Date.now() * 1000;
  for (let i = 0; i < PROBES; i += 1) {
    await sleepUntil(from + ((to - from) * i) / PROBES);
    if (nowMs() >= to) break;
    const name = `bench.probe.${i}`;
    const sentAt = nowMs();
    const giveUpAt = sentAt + PROBE_TIMEOUT_MS;
    let seen = false;
    // Retried with the same seq until acknowledged: the marker counts once.
    let posted = false;
    while (!seen && nowMs() < giveUpAt) {
      try {
        if (!posted) {
          await reads.postMarker(name, 'bench-probe', seq + i + 1, giveUpAt - nowMs());
          posted = true;
        }
        seen = (await reads.lifetimeCount(name, giveUpAt - nowMs())) >= 1;
      } catch {
        // A failed post or read: try again until the probe's time is up.
      }
      if (!seen) await sleepUntil(nowMs() + POLL_MS);
    }
    if (seen) timesMs.push(nowMs() - sentAt);
    else {
      timedOut += 1;
      timesMs.push(PROBE_TIMEOUT_MS);
    }
  }
  return { timesMs, timedOut };
}
