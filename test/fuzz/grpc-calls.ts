// gRPC calls with raw request bytes, judged as answers: a unary call, and ordered bidi streams
// on which each written message gets one answer.
import type { ClientDuplexStream, Metadata, ServiceError } from '@grpc/grpc-js';
import { Client, credentials } from '@grpc/grpc-js';
import { REASON_METADATA_KEY } from '@taba/common';
import { TEST_CHANNEL_OPTIONS } from '../support/grpc-client.js';
import type { Answer } from './verdicts.js';
import { grpcStatusName, grpcVerdict } from './verdicts.js';

const passThrough = (bytes: Buffer): Buffer => bytes;

export function rawClient(address: string): Client {
  return new Client(address, credentials.createInsecure(), TEST_CHANNEL_OPTIONS);
}

function reasonOf(metadata: Metadata | undefined): string {
  return String(metadata?.get(REASON_METADATA_KEY)[0] ?? '');
}

/** The answer of a failed call: its status, `taba-reason` and details. */
export function errorAnswer(error: ServiceError): Answer {
  const reason = reasonOf(error.metadata);
  return {
    status: grpcStatusName(error.code),
    verdict: grpcVerdict(error.code),
    detail: `${reason ? `${reason}: ` : ''}${error.details}`.slice(0, 300),
  };
}

/** One unary call with `bytes` as its request; answers within `timeoutMs` (DEADLINE_EXCEEDED after). */
export function rawUnary(
  client: Client,
  path: string,
  bytes: Buffer,
  timeoutMs: number,
): Promise<Answer> {
  return new Promise(resolve => {
    client.makeUnaryRequest(
      path,
      passThrough,
      passThrough,
      bytes,
      { deadline: new Date(Date.now() + timeoutMs) },
      (error: ServiceError | null) => {
        resolve(error ? errorAnswer(error) : { status: 'OK', verdict: 'ok' });
      },
    );
  });
}

interface Waiting {
  readonly resolve: (answer: Answer) => void;
  readonly timer: NodeJS.Timeout;
}

/**
 * Bidi streams whose answers come in the order of the messages written (PostEventsStream):
 * each send writes one message and resolves with its answer, read by `answerOf`. A stream that
 * fails answers all its waiting messages with its status and is replaced on the next send; one
 * that does not answer in time is cancelled (what came after it waited just as long).
 */
export class OrderedStreams {
  private readonly lanes: (Lane | undefined)[];
  private turn = 0;

  constructor(
    private readonly client: Client,
    private readonly path: string,
    private readonly answerOf: (reply: Buffer) => Answer,
    laneCount: number,
  ) {
    this.lanes = Array.from({ length: laneCount }, () => undefined);
  }

  send(bytes: Buffer, timeoutMs: number): Promise<Answer> {
    const slot = this.turn % this.lanes.length;
    this.turn += 1;
    let lane = this.lanes[slot];
    if (!lane || lane.closed) {
      lane = new Lane(
        this.client.makeBidiStreamRequest(this.path, passThrough, passThrough),
        this.answerOf,
      );
      this.lanes[slot] = lane;
    }
    return lane.send(bytes, timeoutMs);
  }

  close(): void {
    for (const lane of this.lanes) lane?.cancel();
  }
}

class Lane {
  closed = false;
  private readonly waiting: Waiting[] = [];

  constructor(
    private readonly call: ClientDuplexStream<Buffer, Buffer>,
    answerOf: (reply: Buffer) => Answer,
  ) {
    call.on('data', (reply: Buffer) => this.settle(answerOf(reply)));
    call.on('error', (error: ServiceError) => this.fail(errorAnswer(error)));
    call.on('end', () => this.fail({ status: 'stream ended', verdict: 'crash' }));
  }

  send(bytes: Buffer, timeoutMs: number): Promise<Answer> {
    return new Promise(resolve => {
      const timer = setTimeout(() => {
        this.fail({ status: 'no answer', verdict: 'hang', detail: `none in ${timeoutMs} ms` });
        this.cancel();
      }, timeoutMs);
      this.waiting.push({ resolve, timer });
      this.call.write(bytes);
    });
  }

  cancel(): void {
    this.closed = true;
    this.call.cancel();
  }

  private settle(answer: Answer): void {
    const first = this.waiting.shift();
    if (!first) return;
    clearTimeout(first.timer);
    first.resolve(answer);
  }

  private fail(answer: Answer): void {
    if (this.closed && this.waiting.length === 0) return;
    this.closed = true;
    for (const each of this.waiting.splice(0)) {
      clearTimeout(each.timer);
      each.resolve(answer);
    }
  }
}
