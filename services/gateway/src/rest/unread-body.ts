// A refused request whose body was not read (413 by its declared length, 401/403 or a full body
// budget before reading) must not simply be closed: Node destroys the socket once the answer is
// written, the client still writing gets a reset, and the reset can discard the answer it was
// about to read (EPIPE instead of a 413). So a bounded body is read and thrown away (no memory
// held) and the connection stays usable; one that cannot be bounded is closed after the answer.
import type { IncomingMessage } from 'node:http';

export type UnreadBodyPlan = 'none' | 'discard' | 'close';

export interface UnreadBody {
  /** The request's body was read to its end. */
  readonly complete: boolean;
  /** Its Content-Length, if it declared one. */
  readonly declaredBytes: number | undefined;
  /** It asked for `100-continue`, which was not sent: the client has not sent the body. */
  readonly continuePending: boolean;
  /** Most bytes thrown away for one request (TABA_MAX_BODY_BYTES). */
  readonly maxDiscardBytes: number;
}

/** What to do with what is left of a refused request's body. Pure. */
export function unreadBodyPlan(body: UnreadBody): UnreadBodyPlan {
  if (body.complete) return 'none';
  if (body.continuePending) return 'close';
  if (body.declaredBytes !== undefined && body.declaredBytes > body.maxDiscardBytes) return 'close';
  return 'discard';
}

/**
 * Reads the rest of the body and throws it away; past `maxBytes` (a chunked body that goes on)
 * or `maxMs`, the connection is closed.
 */
export function discardUnreadBody(request: IncomingMessage, maxBytes: number, maxMs: number): void {
  request.removeAllListeners('data');
  request.unpipe();
  let discarded = 0;
  const close = () => request.socket.destroy();
  const timer = setTimeout(close, maxMs);
  timer.unref();
  const done = () => clearTimeout(timer);
  request.on('data', (chunk: Buffer) => {
    discarded += chunk.length;
    if (discarded > maxBytes) {
      done();
      close();
    }
  });
  request.once('end', done);
  request.once('close', done);
  request.resume();
}
