// One shape on a fresh stack: warm-up and saturated phase, then half load, then the
// read-back. Every wait is bounded; the load processes and the stack are stopped in any case.
import type { Stack } from '../test/support/stack.js';
import { startStack } from '../test/support/stack.js';
import { peakRssMb, sum } from './figures.js';
import type { LibraryTask } from './library-worker.js';
import type { RawTask } from './load-worker.js';
import { nowMs, sleepUntil } from './phase-recorder.js';
import { CommandStats } from './redis-commandstats.js';
import type { PeakRss, ShapeMeasurements } from './shape-result.js';
import type { Shape } from './shapes.js';
import { LOAD_PROCESSES } from './shapes.js';
import { TabaReads } from './taba-reads.js';
import { probeVisibility } from './visibility.js';
import { WorkerPool } from './worker-pool.js';
import { PHASE_DRAIN_MS } from './worker-protocol.js';

export interface BenchSettings {
  readonly warmupMs: number;
  readonly saturatedMs: number;
  readonly halfMs: number;
}

/** How long load processes may take to start (tsx compiles, batches are generated). */
const READY_MS = 120_000;
/** A phase's report may come this long after the phase: the drain, a last attempt, slack. */
const REPORT_GRACE_MS = PHASE_DRAIN_MS * 2 + 15_000;
/** How long the read-back may take to reach the acknowledged count (commits settle). */
const SETTLE_MS = 10_000;

function startLoad(shape: Shape, address: string): WorkerPool {
  const workers = Array.from({ length: LOAD_PROCESSES }, (_, worker) => worker);
  if (shape.kind === 'raw') {
    const tasks = workers.map((worker): RawTask => ({ address, shape, worker }));
    return new WorkerPool(new URL('./load-worker.ts', import.meta.url), tasks);
  }
  const tasks = workers.map(
    (worker): LibraryTask => ({
      address,
      shapeName: shape.name,
      worker,
      clientIds: Array.from({ length: shape.clients / LOAD_PROCESSES }, (_, i) => {
        return `bench-client-${i * LOAD_PROCESSES + worker}`;
      }),
      tabCount: shape.tabCount,
    }),
  );
  // The clients' drop and error warnings are counted by the process, not printed.
  return new WorkerPool(new URL('./library-worker.ts', import.meta.url), tasks, ['--no-warnings']);
}

function peakRss(stack: Stack): PeakRss {
  return {
    gateway: peakRssMb(stack.gateway.pid),
    ingest: peakRssMb(stack.ingest.pid),
    query: peakRssMb(stack.query.pid),
    aggregator: peakRssMb(stack.aggregators[0]?.pid ?? 0),
  };
}

/** The read-back count once it equals `expected`, or the last one after SETTLE_MS. */
async function settledCount(
  reads: TabaReads,
  expected: number,
): Promise<{ counted: number | null; readBackError?: string }> {
  const giveUpAt = nowMs() + SETTLE_MS;
  let counted: number | null = null;
  let readBackError: string | undefined;
  for (let attempt = 0; ; attempt += 1) {
    try {
      // The first read may be slow (every Tab's States merged): it gets the read deadline.
      counted = await reads.countedEvents(
        attempt === 0 ? undefined : Math.max(1000, giveUpAt - nowMs()),
      );
      readBackError = undefined;
    } catch (error) {
      readBackError = error instanceof Error ? error.message : String(error);
    }
    if (counted === expected || nowMs() >= giveUpAt) {
      return readBackError === undefined ? { counted } : { counted, readBackError };
    }
    await sleepUntil(nowMs() + 250);
  }
}

export async function runShape(shape: Shape, settings: BenchSettings): Promise<ShapeMeasurements> {
  const stack = await startStack({
    redisShards: 2,
    // Durable as deployed: AOF, fsync every second (DESIGN: Redis durability).
    redisArgs: ['--appendonly', 'yes', '--appendfsync', 'everysec'],
    env: { TABA_LOG_LEVEL: 'error', TABA_PRUNE_INTERVAL_MS: '0' },
  });
  const reads = new TabaReads(stack.grpcAddress);
  const commands = new CommandStats(stack.redis.map(server => server.port));
  let pool: WorkerPool | undefined;
  try {
    pool = startLoad(shape, stack.grpcAddress);
    await pool.collect('ready', Date.now() + READY_MS);
    const startAt = Date.now() + 200;
    const measureFrom = startAt + settings.warmupMs;
    const measureTo = measureFrom + settings.saturatedMs;
    pool.send({ type: 'go', startAt, measureFrom, measureTo });
    const [callsFrom, callsTo, visibility] = await Promise.all([
      sleepUntil(measureFrom).then(() => commands.calls()),
      sleepUntil(measureTo).then(() => commands.calls()),
      probeVisibility(reads, measureFrom, measureTo),
    ]);
    const saturated = (await pool.collect('saturated', measureTo + REPORT_GRACE_MS)).map(
      message => message.report,
    );
    // Half the rate each process reached: batches/s, or events/s for the library.
    const seconds = settings.saturatedMs / 1000;
    const until = Date.now() + settings.halfMs;
    pool.send(i => {
      const report = saturated[i];
      const reached = shape.kind === 'raw' ? (report?.batches ?? 0) : (report?.applied ?? 0);
      return { type: 'half', rate: reached / seconds / 2, until };
    });
    const final = (await pool.collect('done', until + REPORT_GRACE_MS)).map(
      message => message.report,
    );
    const peakRssMb = peakRss(stack);
    const countableAcknowledged = sum(final, report => report.countableAcknowledged);
    return {
      shape,
      saturatedMs: settings.saturatedMs,
      saturated,
      final,
      visibility,
      redisCommands: callsTo - callsFrom,
      peakRssMb,
      countableAcknowledged,
      ...(await settledCount(reads, countableAcknowledged)),
    };
  } finally {
    pool?.kill();
    commands.close();
    reads.close();
    await stack.stop();
  }
}
