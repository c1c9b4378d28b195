import type { ServerInterceptingCall, ServerInterceptor } from '@grpc/grpc-js';
import { Metadata, status } from '@grpc/grpc-js';
import { REASON_METADATA_KEY } from '../errors/grpc-status.js';

/** A status as a base call sends it. */
interface SentStatus {
  readonly code: number;
  readonly details?: string;
  readonly metadata?: Metadata | null;
}

/** The reason a message past TABA_MAX_MESSAGE_BYTES is refused with. */
export const MESSAGE_TOO_LARGE = 'MESSAGE_TOO_LARGE';

/** The reason a request that is not a valid protobuf message of its method is refused with. */
export const MALFORMED_MESSAGE = 'MALFORMED_MESSAGE';

/** grpc-js's own wording for a message past `grpc.max_receive_message_length`. */
const GRPC_JS_TOO_LARGE =
  /^Received message (?:larger than max \((\d+) vs (\d+)\)|that decompresses)/;

/** grpc-js's own wording when a request's deserializer throws. */
const GRPC_JS_UNDECODABLE = /^Error deserializing request/;

/** The status a refusal of grpc-js's own is sent with instead, or undefined to send it as is. */
function rewrite(
  sent: SentStatus,
  method: string,
): { reason: string; sent: SentStatus } | undefined {
  const details = sent.details ?? '';
  const tooLarge = sent.code === status.RESOURCE_EXHAUSTED ? GRPC_JS_TOO_LARGE.exec(details) : null;
  if (tooLarge !== null) {
    const size = tooLarge[1] === undefined ? 'a message' : `a message of ${tooLarge[1]} bytes`;
    const limit = tooLarge[2] === undefined ? '' : ` of ${tooLarge[2]} bytes`;
    return {
      reason: MESSAGE_TOO_LARGE,
      sent: {
        ...sent,
        details: `${size} is larger than the limit${limit} (TABA_MAX_MESSAGE_BYTES); send smaller batches`,
      },
    };
  }
  if (sent.code === status.INTERNAL && GRPC_JS_UNDECODABLE.test(details)) {
    return {
      reason: MALFORMED_MESSAGE,
      sent: {
        ...sent,
        code: status.INVALID_ARGUMENT,
        details: `the request is not a valid protobuf message of ${method}`,
      },
    };
  }
  return undefined;
}

/**
 * grpc-js refuses some requests itself, from inside the base call that no outer interceptor
 * sees: a message past `grpc.max_receive_message_length` (from its 5-byte length prefix, before
 * buffering or decoding it: exactly the check wanted) and a message its deserializer cannot
 * read (answered INTERNAL, as if the server were at fault). Neither carries a `taba-reason` and
 * nothing counts them, so this interceptor, first in the chain, wraps the call's own
 * sendStatus: a too-large message gets MESSAGE_TOO_LARGE and names the setting; an undecodable
 * one becomes INVALID_ARGUMENT with MALFORMED_MESSAGE (the caller's fault, not the server's);
 * each is counted through `onRefused`.
 */
export function wireRefusalInterceptor(onRefused: (reason: string) => void): ServerInterceptor {
  return (descriptor, call) => {
    const base = call as unknown as { sendStatus(status: SentStatus): void };
    const send = base.sendStatus.bind(base);
    base.sendStatus = sent => {
      const refusal = rewrite(sent, descriptor.path);
      if (refusal === undefined) {
        send(sent);
        return;
      }
      onRefused(refusal.reason);
      const metadata = sent.metadata?.clone() ?? new Metadata();
      metadata.set(REASON_METADATA_KEY, refusal.reason);
      send({ ...refusal.sent, metadata });
    };
    // The call itself goes on down the chain: only its sendStatus is wrapped.
    return call as unknown as ServerInterceptingCall;
  };
}
