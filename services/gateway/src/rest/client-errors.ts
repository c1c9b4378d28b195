import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { Refusals } from '@taba/common';

/** What node:http reports for a client that broke a bound before a request was routed. */
const CLIENT_ERRORS: Readonly<Record<string, { status: number; reason: string; message: string }>> =
  {
    HPE_HEADER_OVERFLOW: {
      status: 431,
      reason: 'HEADERS_TOO_LARGE',
      message: 'the request head is larger than the limit (TABA_REST_MAX_HEADER_BYTES)',
    },
    ERR_HTTP_REQUEST_TIMEOUT: {
      status: 408,
      reason: 'REQUEST_TIMEOUT',
      message:
        'the request was not received in time (TABA_REST_HEADERS_TIMEOUT_MS, TABA_REST_REQUEST_TIMEOUT_MS)',
    },
  };

/**
 * Answers a connection node:http gave up on (head too large, too slow, malformed) with the
 * usual JSON error and closes it; counts the refusals that are limits.
 */
export function answerClientError(
  error: NodeJS.ErrnoException,
  socket: Socket,
  refusals: Refusals,
): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const known = CLIENT_ERRORS[error.code ?? ''];
  if (known) refusals.count(known.reason);
  const status = known?.status ?? 400;
  const body = JSON.stringify({
    error: {
      code: 'INVALID_ARGUMENT',
      reason: known?.reason ?? 'MALFORMED_REQUEST',
      message: known?.message ?? 'the request is not valid HTTP/1.1',
    },
  });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
      `content-type: application/json; charset=utf-8\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
  );
}
