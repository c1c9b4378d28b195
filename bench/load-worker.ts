// One load process: sends pre-encoded columnar batches for its client IDs to the gateway,
// one batch in flight per client ID, for a fixed time. Reports to its parent over IPC.
import type { ClientDuplexStream } from '@grpc/grpc-js';
import { Client, credentials } from '@grpc/grpc-js';
import { grpcChannelOptions, loadTabaProtos } from '@taba/common';
import { benchTabs } from './bench-batches.js';

interface WorkerTask {
  readonly address: string;
  /** The gRPC method batches go to: the gateway's PostEvents, or ingest's Ingest directly. */
  readonly method: string;
  /** Client IDs with their number among all load processes' (which Tabs they write). */
  readonly clients: readonly { readonly id: string; readonly index: number }[];
  readonly tabCount: number;
  readonly eventsPerBatch: number;
  /** Events of one Tab in a batch. */
  readonly eventsPerTab: number;
  readonly durationMs: number;
  readonly warmupMs: number;
  /** Post over the gateway's PostEventsStream (one stream per process) instead of unary calls. */
  readonly stream: boolean;
  /** Send at most this many batches per second per client ID (0: as fast as acknowledged). */
  readonly ratePerClient: number;
  /** Per-event timestamps (see BenchShape.timestamps). */
  readonly timestamps: boolean;
}

interface WorkerReport {
  /** Events acknowledged within the measured window. */
  readonly eventsAcknowledged: number;
  readonly batches: number;
  /** Failed attempts (each retried with the same seq until acknowledged). */
  readonly errors: number;
  readonly latenciesMs: number[];
  /** Counter and percentile events acknowledged in the whole run, warm-up included. */
  readonly countableAcknowledged: number;
}

const codec = loadTabaProtos().taba.v1.Taba.service.PostEvents;
const identity = (value: Buffer) => value;

/** The tabs part of a batch, encoded once (protobuf fields concatenate: a header is prepended per send). */
function encodeBody(client: number, task: WorkerTask): { body: Buffer; countable: number } {
  const { tabs, countable } = benchTabs(client, task);
  return { body: codec.requestSerialize({ tabs }), countable };
}

/**
 * One PostEventsStream for the whole process: batches of every client ID go out on it and
 * the answers come back in the same order, so a FIFO of waiters matches them.
 */
class StreamPoster {
  private call: ClientDuplexStream<Buffer, Buffer> | undefined;
  private waiting: { resolve: (applied: number) => void; reject: (error: Error) => void }[] = [];

  constructor(private readonly client: Client) {}

  post(bytes: Buffer): Promise<number> {
    const call = this.open();
    return new Promise((resolve, reject) => {
      this.waiting.push({ resolve, reject });
      call.write(bytes);
    });
  }

  private open(): ClientDuplexStream<Buffer, Buffer> {
    if (this.call) return this.call;
    const call = this.client.makeBidiStreamRequest(
      '/taba.v1.Taba/PostEventsStream',
      identity,
      identity,
    );
    call.on('data', (bytes: Buffer) => {
      const waiter = this.waiting.shift();
      const result = loadTabaProtos().taba.v1.PostEventsResult.deserialize(bytes);
      if (result.response) waiter?.resolve(Number(result.response.applied ?? 0));
      else
        waiter?.reject(
          new Error(`${result.errorCode} ${result.errorReason}: ${result.errorMessage}`),
        );
    });
    const broken = (error?: Error) => {
      if (this.call !== call) return;
      this.call = undefined;
      for (const waiter of this.waiting.splice(0))
        waiter.reject(error ?? new Error('stream ended'));
    };
    call.on('error', broken);
    call.on('end', () => broken());
    this.call = call;
    return call;
  }

  close(): void {
    this.call?.end();
  }
}

async function run(task: WorkerTask): Promise<WorkerReport> {
  const client = new Client(task.address, credentials.createInsecure(), grpcChannelOptions());
  // Several streams, one per few client IDs: each HTTP/2 stream has its own 64 KiB window.
  const posters = Array.from({ length: 8 }, () => new StreamPoster(client));
  const report = {
    eventsAcknowledged: 0,
    batches: 0,
    errors: 0,
    latenciesMs: [] as number[],
    countableAcknowledged: 0,
  };
  const started = performance.now();
  const measureFrom = started + task.warmupMs;
  const end = started + task.warmupMs + task.durationMs;
  const baseSeq = Date.now() * 1000;
  await Promise.all(
    task.clients.map(async ({ id: clientId, index }, c) => {
      const { body, countable } = encodeBody(index, task);
      let seq = baseSeq;
      // Rate-limited clients start at spread-out moments, as independent processes would.
      if (task.ratePerClient > 0) {
        await new Promise(resolve =>
          setTimeout(resolve, Math.random() * (1000 / task.ratePerClient)),
        );
      }
      while (performance.now() < end) {
        seq += 1;
        const header = codec.requestSerialize({ clientId, seq });
        const bytes = Buffer.concat([header, body]);
        const sentAt = performance.now();
        // Retried with the same seq until acknowledged: exactly once, so the totals stay exact.
        for (let attempt = 0; ; attempt += 1) {
          try {
            const applied = task.stream
              ? await (posters[c % posters.length] as StreamPoster).post(bytes)
              : Number(
                  loadTabaProtos().taba.v1.PostEventsResponse.deserialize(
                    await new Promise<Buffer>((resolve, reject) =>
                      client.makeUnaryRequest(
                        task.method,
                        identity,
                        identity,
                        bytes,
                        { deadline: Date.now() + 30_000 },
                        (error, value) => (error || !value ? reject(error) : resolve(value)),
                      ),
                    ),
                  ).applied ?? 0,
                );
            const ackAt = performance.now();
            report.countableAcknowledged += countable;
            if (sentAt >= measureFrom && ackAt <= end) {
              report.eventsAcknowledged += applied;
              report.batches += 1;
              report.latenciesMs.push(ackAt - sentAt);
            }
            break;
          } catch {
            report.errors += 1;
            if (attempt >= 50) throw new Error(`batch ${clientId}/${seq} failed 50 times`);
            await new Promise(resolve => setTimeout(resolve, 100));
          }
        }
        if (task.ratePerClient > 0) {
          const wait = 1000 / task.ratePerClient - (performance.now() - sentAt);
          if (wait > 0) await new Promise(resolve => setTimeout(resolve, wait));
        }
      }
    }),
  );
  for (const poster of posters) poster.close();
  client.close();
  return report;
}

process.once('message', (task: WorkerTask) => {
  run(task).then(
    report => process.send?.(report, () => process.exit(0)),
    error => {
      process.send?.({ error: String(error) }, () => process.exit(1));
    },
  );
});
