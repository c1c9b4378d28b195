// One load process of a raw shape: its share of the shape's client IDs in lanes, one batch in
// flight per lane, over STREAMS_PER_PROCESS PostEventsStreams. A failed attempt is retried
// with the same seq and bytes until acknowledged or the phase's drain ends (then the batch is
// given up on and counted): each batch's countable events count once, when acknowledged.
import { setTimeout as sleep } from 'node:timers/promises';
import { Client, credentials } from '@grpc/grpc-js';
import { grpcChannelOptions } from '@taba/common';
import { BatchGenerator, SendBuffer } from './batch-generator.js';
import { noteError, nowMs, PhaseRecorder, sleepUntil } from './phase-recorder.js';
import { seedOf } from './random.js';
import type { RawShape } from './shapes.js';
import { lanesOf, STREAMS_PER_PROCESS, tabsOf } from './shapes.js';
import { StreamPoster } from './stream-poster.js';
import type { FinalReport, ParentMessage } from './worker-protocol.js';
import { PHASE_DRAIN_MS, sendToParent } from './worker-protocol.js';

export interface RawTask {
  readonly address: string;
  readonly shape: RawShape;
  readonly worker: number;
}

interface LaneClient {
  readonly id: string;
  readonly index: number;
  seq: number;
}

interface Lane {
  readonly clients: LaneClient[];
  readonly poster: StreamPoster;
  readonly buffer: SendBuffer;
  next: number;
}

/** Half-load pacing: send slots `intervalMs` apart for the whole process, never bunched. */
class Pacer {
  private next = nowMs();
  constructor(private readonly intervalMs: number) {}

  reserve(): number {
    const slot = Math.max(nowMs(), this.next);
    this.next = slot + this.intervalMs;
    return slot;
  }
}

class LoadProcess {
  private readonly client: Client;
  private readonly posters: StreamPoster[];
  private readonly lanes: Lane[];
  private readonly generators = new Map<number, BatchGenerator>();
  private readonly totals = {
    countableAcknowledged: 0,
    failedAttempts: 0,
    abandoned: 0,
    abandonedCountable: 0,
    duplicates: 0,
    firstAttemptDuplicates: 0,
  };
  private readonly errorSamples: string[] = [];

  constructor(private readonly task: RawTask) {
    this.client = new Client(task.address, credentials.createInsecure(), grpcChannelOptions());
    this.posters = Array.from({ length: STREAMS_PER_PROCESS }, () => new StreamPoster(this.client));
    // Microseconds since the epoch, as @taba/client starts; +1 per batch of a client ID.
    const baseSeq = Date.now() * 1000;
    this.lanes = lanesOf(task.shape, task.worker).map((clients, l) => ({
      clients: clients.map(client => ({ ...client, seq: baseSeq })),
      poster: this.posters[l % STREAMS_PER_PROCESS] as StreamPoster,
      buffer: new SendBuffer(),
      next: 0,
    }));
    for (const lane of this.lanes)
      for (const client of lane.clients) this.generatorOf(client.index);
  }

  /** `shared` shapes: one generator for every client ID; `own`: one per client ID. */
  private generatorOf(index: number): BatchGenerator {
    const { shape, worker } = this.task;
    const key = shape.tabs === 'own' ? index : -1;
    let generator = this.generators.get(key);
    if (!generator) {
      generator = new BatchGenerator(
        tabsOf(shape, index),
        shape.eventsPerBatch / shape.tabsPerBatch,
        seedOf(shape.name, worker, key),
      );
      this.generators.set(key, generator);
    }
    return generator;
  }

  /** Offers load until `until`, then retries what is unanswered until `until + PHASE_DRAIN_MS`. */
  run(until: number, recorder: PhaseRecorder, pacer?: Pacer): Promise<unknown> {
    return Promise.all(this.lanes.map(lane => this.runLane(lane, until, recorder, pacer)));
  }

  private async runLane(lane: Lane, until: number, recorder: PhaseRecorder, pacer?: Pacer) {
    for (;;) {
      if (pacer) {
        const slot = pacer.reserve();
        if (slot >= until) return;
        await sleepUntil(slot);
      }
      if (nowMs() >= until) return;
      const client = lane.clients[lane.next] as LaneClient;
      lane.next = (lane.next + 1) % lane.clients.length;
      client.seq += 1;
      const generator = this.generatorOf(client.index);
      const bytes = generator.batch(client.id, client.seq, lane.buffer);
      await this.deliver(lane, bytes, generator.countable, until + PHASE_DRAIN_MS, recorder);
    }
  }

  private async deliver(
    lane: Lane,
    bytes: Buffer,
    countable: number,
    giveUpAt: number,
    recorder: PhaseRecorder,
  ): Promise<void> {
    const sentAt = nowMs();
    for (let failures = 0; ; failures += 1) {
      const answer = await lane.poster.post(bytes).catch((error: unknown) => {
        noteError(this.errorSamples, error);
        return undefined;
      });
      if (answer) {
        // Counted once, at its first acknowledgement, duplicate or not: `duplicate` means an
        // earlier attempt applied it (ours, or ingest's own retry of a commit that timed out).
        if (answer.duplicate) this.totals.duplicates += 1;
        if (answer.duplicate && failures === 0) this.totals.firstAttemptDuplicates += 1;
        this.totals.countableAcknowledged += countable;
        recorder.ack(sentAt, nowMs(), answer.applied, this.task.shape.tabsPerBatch);
        return;
      }
      this.totals.failedAttempts += 1;
      const wait = Math.min(2000, 100 * 2 ** failures);
      if (nowMs() + wait >= giveUpAt) {
        this.totals.abandoned += 1;
        this.totals.abandonedCountable += countable;
        return;
      }
      await sleep(wait);
    }
  }

  final(half: PhaseRecorder): FinalReport {
    return { half: half.report(), ...this.totals, errorSamples: this.errorSamples };
  }

  close(): void {
    for (const poster of this.posters) poster.close();
    this.client.close();
  }
}

let load: LoadProcess | undefined;

async function handle(message: ParentMessage): Promise<void> {
  if (message.type === 'task') {
    load = new LoadProcess(message.task as RawTask);
    await sendToParent({ type: 'ready' });
  } else if (message.type === 'go' && load) {
    await sleepUntil(message.startAt);
    const recorder = new PhaseRecorder(message.measureFrom, message.measureTo, 'ack');
    await load.run(message.measureTo, recorder);
    await sendToParent({ type: 'saturated', report: recorder.report() });
  } else if (message.type === 'half' && load) {
    const recorder = new PhaseRecorder(nowMs(), message.until, 'send');
    if (message.rate > 0) {
      await load.run(message.until, recorder, new Pacer(1000 / message.rate));
    }
    await sleepUntil(message.until); // the recorder's CPU figure needs its end
    load.close();
    await sendToParent({ type: 'done', report: load.final(recorder) });
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
