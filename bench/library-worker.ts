// One load process of the library shape: 25 TabaClients of @taba/client with default options
// (only address and clientId set), each recording over the 1,000 bench Tabs (mostly counters,
// bench-batches' type mix) with log-normal values. Saturated: a tight loop, yielding with
// setImmediate after each chunk of records; half load: the same loop paced to a rate. The
// clients batch, send, retry and drop by themselves; this process only watches their calls
// (unary-observer.ts), counters (stats()) and warnings.
import { setTimeout as sleep, setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { TabaClientStats } from '@taba/client';
import { TabaClient } from '@taba/client';
import { countableEvents, scanColumns } from './batch-bytes.js';
import { benchTabType } from './bench-batches.js';
import { noteError, nowMs, PhaseRecorder, sleepUntil } from './phase-recorder.js';
import { benchString, logNormalArray, seededRandom, seedOf } from './random.js';
import { observePostEvents } from './unary-observer.js';
import type { FinalReport, ParentMessage } from './worker-protocol.js';
import { PHASE_DRAIN_MS, sendToParent } from './worker-protocol.js';

export interface LibraryTask {
  readonly address: string;
  readonly shapeName: string;
  readonly worker: number;
  readonly clientIds: readonly string[];
  readonly tabCount: number;
}

/** Records between yields to the event loop (the clients' I/O and timers run then). */
const CHUNK = 2000;
/**
 * Offered rate of one load process in the saturated phase, events/s (BENCH_LIBRARY_RATE is the
 * total over the 4 processes; default 1,000,000: twice the target). A tight loop instead would
 * take the CPU the stack needs on this 2-core machine and starve the clients' own event loop.
 */
const SATURATED_RATE = Number(process.env.BENCH_LIBRARY_RATE ?? 1_000_000) / 4;
/** Pre-drawn values, taken in turn (a PRNG call per record would cost more than the record). */
const POOL = 1 << 16;

const COUNTER = 0;
const PERCENTILE = 1;
const GAUGE = 2;
const UNIQUE = 3;

class LibraryLoad {
  private readonly clients: TabaClient[];
  private readonly names: string[];
  private readonly kinds: Uint8Array;
  private readonly values: Float64Array;
  private readonly strings: string[][];
  private cursor = 0;
  private nextClient = 0;
  private recorder: PhaseRecorder | undefined;
  /** Batches sent and not yet acknowledged: their countable events and Tabs. */
  private readonly unacknowledged = new Map<Buffer, { countable: number; tabs: number }>();
  private readonly totals = { countableAcknowledged: 0, failedAttempts: 0 };
  readonly warnings: Record<string, number> = {};
  private readonly errorSamples: string[] = [];

  constructor(task: LibraryTask) {
    const random = seededRandom(seedOf(task.shapeName, task.worker));
    this.values = logNormalArray(random, POOL);
    this.names = Array.from({ length: task.tabCount }, (_, tab) => `bench.tab.${tab}`);
    const kindOf = { COUNTER_GROUP: COUNTER, PERCENTILE_GROUP: PERCENTILE, GAUGE, UNIQUE };
    this.kinds = Uint8Array.from(this.names, (_, tab) => kindOf[benchTabType(tab)]);
    this.strings = [
      Array.from({ length: 64 }, () => benchString('GAUGE', random)),
      Array.from({ length: 4096 }, () => benchString('UNIQUE', random)),
    ];
    observePostEvents({
      sent: bytes => {
        const columns = scanColumns(bytes);
        this.unacknowledged.set(bytes, {
          countable: countableEvents(columns),
          tabs: columns.length,
        });
      },
      answered: answer => {
        const batch = this.unacknowledged.get(answer.bytes);
        if (answer.error) {
          this.totals.failedAttempts += 1;
          noteError(this.errorSamples, answer.error);
        }
        if (answer.error || !batch) return;
        this.unacknowledged.delete(answer.bytes);
        this.totals.countableAcknowledged += batch.countable;
        this.recorder?.ack(answer.firstSentAt, answer.answeredAt, answer.applied, batch.tabs);
      },
    });
    // The clients' drop and error reports (process warnings by default; not printed: the
    // process runs with --no-warnings), counted by code.
    process.on('warning', warning => {
      const code = (warning as { code?: string }).code ?? warning.name;
      this.warnings[code] = (this.warnings[code] ?? 0) + 1;
    });
    this.clients = task.clientIds.map(
      clientId => new TabaClient({ address: task.address, clientId }),
    );
  }

  /** One chunk of records into the next client, walking the Tabs in turn. */
  private recordChunk(count: number): void {
    const client = this.clients[this.nextClient] as TabaClient;
    this.nextClient = (this.nextClient + 1) % this.clients.length;
    const { names, kinds, values } = this;
    const [gauges, uniques] = this.strings as [string[], string[]];

    for (let i = 0; i < count; i += 1) {
      const n = this.cursor;
      this.cursor = n + 1;
      const tab = n % names.length;
      const name = names[tab] as string;
      const kind = kinds[tab];
      if (kind === COUNTER) client.counter(name, values[n % POOL] as number);
      else if (kind === PERCENTILE) client.percentile(name, values[n % POOL] as number);
      else if (kind === GAUGE) client.gauge(name, gauges[n % gauges.length] as string);
      else client.unique(name, uniques[n % uniques.length] as string);
    }
  }

  /** Records until `until`: as fast as the loop goes, or at `rate` events/s. */
  async record(until: number, recorder: PhaseRecorder, rate = Number.POSITIVE_INFINITY) {
    this.recorder = recorder;
    const started = nowMs();
    let recorded = 0;
    for (let now = started; now < until; now = nowMs()) {
      const due =
        rate === Number.POSITIVE_INFINITY
          ? CHUNK
          : Math.min(CHUNK, ((now - started) / 1000) * rate - recorded);
      if (due >= 1) {
        this.recordChunk(Math.floor(due));
        recorded += Math.floor(due);
        await yieldToEventLoop();
      } else {
        await sleep(5);
      }
    }
  }

  /** Lets the clients send what they hold (flush), at most PHASE_DRAIN_MS. */
  async drain(): Promise<void> {
    await Promise.race([
      Promise.all(this.clients.map(client => client.flush())),
      sleep(PHASE_DRAIN_MS),
    ]);
  }

  async close(): Promise<TabaClientStats[]> {
    await Promise.all(this.clients.map(client => client.close({ timeoutMs: PHASE_DRAIN_MS })));
    await sleep(200); // a call close() cancelled answers (CANCELLED) just after
    return this.clients.map(client => client.stats());
  }

  final(half: PhaseRecorder, stats: TabaClientStats[]): FinalReport {
    const sum = (pick: (each: TabaClientStats) => number) =>
      stats.reduce((total, each) => total + pick(each), 0);
    let abandonedCountable = 0;
    for (const batch of this.unacknowledged.values()) abandonedCountable += batch.countable;
    return {
      half: half.report(),
      ...this.totals,
      duplicates: sum(each => each.duplicates),
      firstAttemptDuplicates: 0, // the client does not tell which attempt it was
      abandoned: this.unacknowledged.size,
      abandonedCountable,
      errorSamples: this.errorSamples,
      library: {
        dropped: {
          bufferFull: sum(each => each.dropped.bufferFull),
          rejectedBatch: sum(each => each.dropped.rejectedBatch),
          closed: sum(each => each.dropped.closed),
        },
        retries: sum(each => each.retries),
        rejected: sum(each => each.rejected),
        applied: sum(each => each.applied),
        warnings: this.warnings,
      },
    };
  }
}

let load: LibraryLoad | undefined;

async function handle(message: ParentMessage): Promise<void> {
  if (message.type === 'task') {
    load = new LibraryLoad(message.task as LibraryTask);
    await sendToParent({ type: 'ready' });
  } else if (message.type === 'go' && load) {
    await sleepUntil(message.startAt);
    const recorder = new PhaseRecorder(message.measureFrom, message.measureTo, 'ack');
    await load.record(message.measureTo, recorder, SATURATED_RATE);
    // What the clients still hold goes out before the half-load phase starts.
    await load.drain();
    await sendToParent({ type: 'saturated', report: recorder.report() });
  } else if (message.type === 'half' && load) {
    const recorder = new PhaseRecorder(nowMs(), message.until, 'send');
    if (message.rate > 0) await load.record(message.until, recorder, message.rate);
    await sleepUntil(message.until);
    const stats = await load.close();
    await sendToParent({ type: 'done', report: load.final(recorder, stats) });
    process.exit(0);
  }
}

// The parent is gone (killed, crashed): do not outlive it.
process.once('disconnect', () => process.exit(1));
process.on('message', (message: ParentMessage) => {
  handle(message).catch(async (error: unknown) => {
    await sendToParent({
      type: 'error',
      message: error instanceof Error ? error.message : String(error),
    });
    process.exit(1);
  });
});
