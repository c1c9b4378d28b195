// HTTP/1.1 over a plain socket, for what a well-behaved client never sends: huge or malformed
// heads, pipelined requests, bodies that trickle in.
import type { Socket } from 'node:net';
import { connect } from 'node:net';

export interface RawPart {
  readonly bytes: Buffer;
  /** Wait this long before writing it, ms. */
  readonly delayMs?: number;
}

export interface RawExchange {
  /** The status code of each response seen, in order. */
  readonly statuses: number[];
  /** The server closed the connection. */
  readonly closed: boolean;
  /**
   * No full answer came within the wait after the last write, so this side ended its half of
   * the connection (a client that stops sending must not hold the server).
   */
  readonly ended: boolean;
  /** From the last byte written (or from the end, when `ended`) to the last response or the close, ms. */
  readonly answerMs: number;
  readonly error?: string;
}

const STATUS_LINE = /HTTP\/1\.[01] (\d{3}) /g;

/**
 * Writes `parts` (each after its delay) and reads until `responses` responses have begun or
 * the server closes. Without them `waitMs` after the last write, ends this side and waits
 * `waitMs` more.
 */
export function rawExchange(
  host: string,
  port: number,
  parts: readonly RawPart[],
  responses: number,
  waitMs: number,
): Promise<RawExchange> {
  return new Promise(resolve => {
    const socket: Socket = connect({ host, port });
    let received = '';
    let since = performance.now();
    let ended = false;
    let done = false;
    let timer: NodeJS.Timeout | undefined;
    const statuses = () => [...received.matchAll(STATUS_LINE)].map(match => Number(match[1]));
    const finish = (closed: boolean, error?: string) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      const answerMs = performance.now() - since;
      resolve({ statuses: statuses(), closed, ended, answerMs, ...(error ? { error } : {}) });
    };
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      // Only the heads matter; keep the text bounded (a long answer body is not needed).
      if (received.length < 1_000_000) received += chunk.toString('latin1');
      if (statuses().length >= responses) finish(false);
    });
    socket.on('close', () => finish(true));
    socket.on('error', (error: NodeJS.ErrnoException) => finish(true, error.code ?? error.message));
    const endOurSide = () => {
      ended = true;
      since = performance.now();
      socket.end();
      timer = setTimeout(() => finish(false, `no answer ${waitMs} ms after the end`), waitMs);
    };
    const write = async () => {
      for (const part of parts) {
        if (part.delayMs) await new Promise(wake => setTimeout(wake, part.delayMs));
        if (done) return;
        socket.write(part.bytes);
        since = performance.now();
      }
      timer = setTimeout(endOurSide, waitMs);
    };
    socket.once('connect', () => void write());
  });
}

/** Sockets that connect and then only hold the connection (and the bytes given) open. */
export async function holdConnections(
  host: string,
  port: number,
  count: number,
  head: Buffer,
): Promise<Socket[]> {
  return Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<Socket>(resolve => {
          const socket = connect({ host, port }, () => {
            socket.write(head);
            resolve(socket);
          });
          socket.on('error', () => resolve(socket));
        }),
    ),
  );
}
