// Watches @taba/client's PostEvents calls in a load process without changing them: grpc-js's
// Client.prototype.makeUnaryRequest is wrapped to time each batch (first attempt to its
// acknowledgement; a retry re-sends the same Buffer) and to see its outcome. The client's
// options stay the defaults; only the observation is added.
import { Client } from '@grpc/grpc-js';
import { nowMs } from './phase-recorder.js';

const POST_EVENTS = '/taba.v1.Taba/PostEvents';

export interface ObservedAnswer {
  readonly bytes: Buffer;
  /** Epoch ms of the batch's first attempt. */
  readonly firstSentAt: number;
  readonly answeredAt: number;
  /** Set when the attempt failed (retried or not, as the client decides). */
  readonly error: Error | null;
  readonly applied: number;
}

type AnyFunction = (...args: unknown[]) => unknown;

export interface PostEventsListener {
  /** A batch's first attempt is about to go out. */
  sent(bytes: Buffer): void;
  /** An attempt was answered, or failed. */
  answered(answer: ObservedAnswer): void;
}

/** Tells `listener` of every PostEvents attempt of this process from now on. */
export function observePostEvents(listener: PostEventsListener): void {
  const firstSent = new WeakMap<Buffer, number>();
  const prototype = Client.prototype as unknown as { makeUnaryRequest: AnyFunction };
  const original = prototype.makeUnaryRequest;
  prototype.makeUnaryRequest = function (this: Client, ...args: unknown[]) {
    const [method, , , argument] = args;
    const callback = args[args.length - 1];
    if (method !== POST_EVENTS || !Buffer.isBuffer(argument) || typeof callback !== 'function') {
      return original.apply(this, args);
    }
    let firstSentAt = firstSent.get(argument);
    if (firstSentAt === undefined) {
      firstSentAt = nowMs();
      firstSent.set(argument, firstSentAt);
      listener.sent(argument);
    }
    const sentAt = firstSentAt;
    args[args.length - 1] = (error: Error | null, reply?: { applied?: number }) => {
      try {
        listener.answered({
          bytes: argument,
          firstSentAt: sentAt,
          answeredAt: nowMs(),
          error,
          applied: Number(reply?.applied ?? 0),
        });
      } finally {
        (callback as AnyFunction)(error, reply); // the client's own handling, unchanged
      }
    };
    return original.apply(this, args);
  };
}
