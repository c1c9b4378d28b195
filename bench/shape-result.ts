// One shape's JSON line, from what its load processes and the parent measured.
import { percentile, round, sum } from './figures.js';
import type { Shape } from './shapes.js';
import type { Visibility } from './visibility.js';
import type { FinalReport, PhaseReport } from './worker-protocol.js';

export interface PeakRss {
  readonly gateway: number;
  readonly ingest: number;
  readonly query: number;
  readonly aggregator: number;
}

export interface ShapeLine {
  readonly shape: string;
  readonly eventsPerSec: number;
  readonly ackP50Ms: number | null;
  readonly ackP99Ms: number | null;
  readonly halfLoadAckP99Ms: number | null;
  readonly visibilityP99Ms: number | null;
  readonly failedAttempts: number;
  readonly redisCommandsPerBatch: number | null;
  readonly peakRssMb: PeakRss;
  readonly exact: boolean;
  readonly batchesPerSec: number | null;
  readonly eventsPerBatch: number | null;
  readonly tabsPerBatch: number | null;
  readonly clients: number;
  readonly dropped?: { bufferFull: number; rejectedBatch: number; closed: number };
  readonly retries?: number;
}

export interface ShapeMeasurements {
  readonly shape: Shape;
  readonly saturatedMs: number;
  readonly saturated: readonly PhaseReport[];
  readonly final: readonly FinalReport[];
  readonly visibility: Visibility;
  /** Redis commands (both shards) over the saturated phase. */
  readonly redisCommands: number;
  readonly peakRssMb: PeakRss;
  readonly countableAcknowledged: number;
  /** The read-back's count; null when no read-back succeeded. */
  readonly counted: number | null;
  /** Why the last read-back failed, if it did. */
  readonly readBackError?: string;
}

export function shapeLine(m: ShapeMeasurements): ShapeLine {
  const seconds = m.saturatedMs / 1000;
  const applied = sum(m.saturated, r => r.applied);
  const batches = sum(m.saturated, r => r.batches);
  const latencies = m.saturated.flatMap(r => r.latenciesMs);
  const libraries = m.final.flatMap(r => (r.library ? [r.library] : []));
  const line: ShapeLine = {
    shape: m.shape.name,
    eventsPerSec: Math.round(applied / seconds),
    ackP50Ms: round(percentile(latencies, 0.5)),
    ackP99Ms: round(percentile(latencies, 0.99)),
    halfLoadAckP99Ms: round(
      percentile(
        m.final.flatMap(r => r.half.latenciesMs),
        0.99,
      ),
    ),
    visibilityP99Ms: round(percentile(m.visibility.timesMs, 0.99)),
    failedAttempts: sum(m.final, r => r.failedAttempts),
    redisCommandsPerBatch: batches > 0 ? round(m.redisCommands / batches) : null,
    peakRssMb: m.peakRssMb,
    exact: m.counted === m.countableAcknowledged,
    batchesPerSec: round(batches / seconds),
    // The raw shapes' batches are fixed; the library's are what its clients cut.
    eventsPerBatch:
      m.shape.kind === 'raw'
        ? m.shape.eventsPerBatch
        : batches > 0
          ? round(applied / batches)
          : null,
    tabsPerBatch:
      m.shape.kind === 'raw'
        ? m.shape.tabsPerBatch
        : batches > 0
          ? round(sum(m.saturated, r => r.tabs) / batches)
          : null,
    clients: m.shape.clients,
  };
  if (m.shape.kind !== 'library') return line;
  return {
    ...line,
    dropped: {
      bufferFull: sum(libraries, l => l.dropped.bufferFull),
      rejectedBatch: sum(libraries, l => l.dropped.rejectedBatch),
      closed: sum(libraries, l => l.dropped.closed),
    },
    retries: sum(libraries, l => l.retries),
  };
}

/** Human-readable details of a shape (stderr): what the line leaves out. */
export function shapeDetails(m: ShapeMeasurements): string[] {
  const seconds = m.saturatedMs / 1000;
  const cpu = sum(m.saturated, r => r.cpuMs) / m.saturatedMs;
  const details = [
    `load processes' CPU in the saturated phase: ${(cpu * 100).toFixed(0)}% of one core (${m.saturated.length} processes)`,
    `acknowledged in the saturated phase: ${sum(m.saturated, r => r.applied)} events, ${sum(m.saturated, r => r.batches)} batches in ${seconds} s`,
    `half load: ${sum(m.final, r => r.half.batches)} batches, ${sum(m.final, r => r.half.applied)} events`,
    `exactness: countable events acknowledged ${m.countableAcknowledged}, counted ${m.counted ?? 'unknown'}${m.readBackError ? ` (the last read-back failed: ${m.readBackError})` : ''}`,
    `failed attempts ${sum(m.final, r => r.failedAttempts)}, duplicate answers ${sum(m.final, r => r.duplicates)} (to a first attempt: ${sum(m.final, r => r.firstAttemptDuplicates)}), batches given up on ${sum(m.final, r => r.abandoned)} (countable events ${sum(m.final, r => r.abandonedCountable)})`,
  ];
  const errors = [...new Set(m.final.flatMap(r => r.errorSamples))].slice(0, 5);
  if (errors.length > 0) details.push(`failed attempts, e.g.: ${errors.join(' | ')}`);
  if (m.visibility.timedOut > 0) {
    details.push(
      `visibility: ${m.visibility.timedOut} of ${m.visibility.timesMs.length} probes timed out`,
    );
  }
  for (const [i, r] of m.final.entries()) {
    if (!r.library) continue;
    details.push(
      `library process ${i}: applied ${r.library.applied} (clients' count), rejected ${r.library.rejected}, warnings ${JSON.stringify(r.library.warnings)}`,
    );
  }
  return details;
}
