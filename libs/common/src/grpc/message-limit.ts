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

/** grpc-js's own wording for a message past `grpc.max_receive_message_length`. */
const GRPC_JS_TOO_LARGE =
  /^Received message (?:larger than max \((\d+) vs (\d+)\)|that decompresses)/;

/**
 * grpc-js refuses a message past `grpc.max_receive_message_length` from its 5-byte length
 * prefix, before buffering or decoding it: exactly the check wanted. Its status carries no
 * `taba-reason` and nothing counts it, so this interceptor, first in the chain, wraps the
 * call's own sendStatus (grpc-js sends that status from inside the base call, which no outer
 * interceptor sees): it adds MESSAGE_TOO_LARGE, names the setting, and counts the refusal.
 */
export function messageLimitInterceptor(onRefused: () => void): ServerInterceptor {
  return (_method, call) => {
    const base = call as unknown as { sendStatus(status: SentStatus): void };
    const send = base.sendStatus.bind(base);
    base.sendStatus = sent => {
      const match =
        sent.code === status.RESOURCE_EXHAUSTED ? GRPC_JS_TOO_LARGE.exec(sent.details ?? '') : null;
      if (match === null) {
        send(sent);
        return;
      }
      onRefused();
      const metadata = sent.metadata?.clone() ?? new Metadata();
      metadata.set(REASON_METADATA_KEY, MESSAGE_TOO_LARGE);
      const size = match[1] === undefined ? 'a message' : `a message of ${match[1]} bytes`;
      const limit = match[2] === undefined ? '' : ` of ${match[2]} bytes`;
      send({
        ...sent,
        details: `${size} is larger than the limit${limit} (TABA_MAX_MESSAGE_BYTES); send smaller batches`,
        metadata,
      });
    };
    // The call itself goes on down the chain: only its sendStatus is wrapped.
    return call as unknown as ServerInterceptingCall;
  };
}
