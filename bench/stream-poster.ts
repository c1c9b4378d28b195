// One PostEventsStream of a load process: batches of several lanes go out on it and the
// answers come back in the order sent, so a FIFO of waiters matches them.
import type { Client, ClientDuplexStream } from '@grpc/grpc-js';
import { loadTabaProtos } from '@taba/common';

/** An attempt unanswered this long fails; the stream is cancelled (answers are in order). */
export const ATTEMPT_TIMEOUT_MS = 30_000;

export interface PostAnswer {
  readonly applied: number;
  readonly duplicate: boolean;
}

interface Waiter {
  readonly resolve: (answer: PostAnswer) => void;
  readonly reject: (error: Error) => void;
  readonly timer: NodeJS.Timeout;
}

const identity = (value: Buffer) => value;
const results = loadTabaProtos().taba.v1.PostEventsResult;

/** One open stream and the attempts waiting on it, in the order they were written. */
interface OpenStream {
  readonly call: ClientDuplexStream<Buffer, Buffer>;
  readonly waiting: Waiter[];
}

export class StreamPoster {
  private stream: OpenStream | undefined;

  constructor(private readonly client: Client) {}

  /** Sends one batch; resolves its answer, rejects on its error status or a broken stream. */
  post(bytes: Buffer): Promise<PostAnswer> {
    const stream = this.open();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => this.fail(stream, new Error(`no answer in ${ATTEMPT_TIMEOUT_MS} ms`)),
        ATTEMPT_TIMEOUT_MS,
      );
      stream.waiting.push({ resolve, reject, timer });
      stream.call.write(bytes);
    });
  }

  close(): void {
    this.stream?.call.end();
  }

  private open(): OpenStream {
    if (this.stream) return this.stream;
    const call = this.client.makeBidiStreamRequest(
      '/taba.v1.Taba/PostEventsStream',
      identity,
      identity,
    );
    // Each stream its own queue: an answer a failed stream still delivers matches nothing new.
    const stream: OpenStream = { call, waiting: [] };
    call.on('data', (bytes: Buffer) => {
      const waiter = stream.waiting.shift();
      if (!waiter) return;
      clearTimeout(waiter.timer);
      const result = results.deserialize(bytes);
      if (result.response) {
        waiter.resolve({
          applied: Number(result.response.applied ?? 0),
          duplicate: result.response.duplicate === true,
        });
      } else {
        waiter.reject(
          new Error(`${result.errorCode} ${result.errorReason}: ${result.errorMessage}`),
        );
      }
    });
    call.on('error', (error: Error) => this.fail(stream, error));
    call.on('end', () => this.fail(stream, new Error('stream ended')));
    this.stream = stream;
    return stream;
  }

  /** Every attempt waiting on `stream` fails; the next post opens a new stream. */
  private fail(stream: OpenStream, error: Error): void {
    if (this.stream === stream) this.stream = undefined;
    stream.call.cancel();
    for (const waiter of stream.waiting.splice(0)) {
      clearTimeout(waiter.timer);
      waiter.reject(error);
    }
  }
}
