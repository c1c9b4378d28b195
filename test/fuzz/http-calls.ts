// HTTP/1.1 requests to the REST bridge over a pool of kept-alive plain sockets, judged as
// answers. A hand-rolled client: node's http client costs more CPU per request than the bridge
// spends answering, and the run's inputs per second are what it is bounded by.
import type { Socket } from 'node:net';
import { connect } from 'node:net';
import type { Answer } from './verdicts.js';
import { httpVerdict } from './verdicts.js';

export interface HttpInput {
  readonly shape: string;
  readonly method: string;
  /** Path and query string, sent as given (not re-encoded). */
  readonly path: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: Buffer;
}

/** The request's bytes: the head with `host` and `content-length`, then the body. */
export function requestBytes(input: HttpInput): Buffer {
  const lines = [`${input.method} ${input.path} HTTP/1.1`, 'host: fuzz'];
  for (const [name, value] of Object.entries(input.headers ?? {})) lines.push(`${name}: ${value}`);
  if (input.body) lines.push(`content-length: ${input.body.length}`);
  return Buffer.concat([
    Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'latin1'),
    input.body ?? Buffer.alloc(0),
  ]);
}

/** Node's default limit on a request head (--max-http-header-size), bytes. */
const MAX_HEAD_BYTES = 16 * 1024;

/** The `reason` of a Taba error body, when the answer is one. */
function reasonOf(body: string): string | undefined {
  try {
    const parsed = JSON.parse(body) as { error?: { reason?: string; message?: string } };
    return parsed.error
      ? `${parsed.error.reason}: ${parsed.error.message}`.slice(0, 300)
      : undefined;
  } catch {
    return body.slice(0, 120);
  }
}

/** The bare `reason` of a Taba error body; undefined for any other body. */
function errorReason(body: string): string | undefined {
  try {
    return (JSON.parse(body) as { error?: { reason?: string } }).error?.reason;
  } catch {
    return undefined;
  }
}

interface Head {
  readonly status: number;
  readonly headEnd: number;
  readonly bodyLength: number | undefined;
  readonly close: boolean;
}

function parseHead(bytes: Buffer): Head | undefined {
  const headEnd = bytes.indexOf('\r\n\r\n');
  if (headEnd < 0) return undefined;
  const head = bytes.subarray(0, headEnd).toString('latin1');
  const status = Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1] ?? 0);
  const length = /\r\ncontent-length: *(\d+)/i.exec(head)?.[1];
  return {
    status,
    headEnd: headEnd + 4,
    bodyLength: length === undefined ? undefined : Number(length),
    close: /\r\nconnection: *close/i.test(head),
  };
}

export class HttpTarget {
  private readonly idle: Socket[] = [];

  constructor(
    private readonly baseUrl: string,
    private readonly maxIdle: number,
  ) {}

  send(input: HttpInput, timeoutMs: number): Promise<Answer> {
    const socket = this.take();
    const bytes = requestBytes(input);
    return new Promise(resolve => {
      // Chunks kept apart until the answer is whole: a 5 MB answer arrives in ~100 of them,
      // and joining them on each would cost this process far more than the service's time.
      const chunks: Buffer[] = [];
      let receivedBytes = 0;
      let head: Head | undefined;
      const received = () => {
        if (chunks.length > 1) chunks.splice(0, chunks.length, Buffer.concat(chunks));
        return chunks[0] ?? Buffer.alloc(0);
      };
      let settled = false;
      const settle = (answer: Answer, reusable: boolean) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        socket.off('data', onData);
        socket.off('close', onClose);
        socket.off('error', onError);
        if (reusable && this.idle.length < this.maxIdle) this.idle.push(socket);
        else socket.destroy();
        resolve(answer);
      };
      const answered = (head: Head, body: Buffer, reusable: boolean) => {
        // Only an error body has a reason to read; a 2xx body (up to megabytes) is not parsed.
        const ok = head.status >= 200 && head.status < 300;
        const text = ok ? '' : body.toString('utf8');
        const verdict = httpVerdict(head.status, ok ? undefined : errorReason(text));
        const detail = verdict === 'ok' ? undefined : reasonOf(text);
        settle(
          { status: `HTTP ${head.status}`, verdict, ...(detail === undefined ? {} : { detail }) },
          reusable,
        );
      };
      const onData = (chunk: Buffer) => {
        chunks.push(chunk);
        receivedBytes += chunk.length;
        head ??= parseHead(received());
        if (!head) return;
        const length = input.method === 'HEAD' ? 0 : head.bodyLength;
        if (length === undefined || receivedBytes < head.headEnd + length) return;
        answered(head, received().subarray(head.headEnd, head.headEnd + length), !head.close);
      };
      const unanswered = (why: string) => {
        const whole = received();
        const head = parseHead(whole);
        const headBytes = bytes.indexOf('\r\n\r\n');
        if (head) answered(head, whole.subarray(head.headEnd), false);
        // Node answers a head over its limit with 431 and closes; a client still writing the
        // rest of it sees the reset before the answer.
        else if (headBytes > MAX_HEAD_BYTES) {
          const detail = `a head of ${headBytes} bytes, over ${MAX_HEAD_BYTES}: ${why}`;
          settle({ status: 'closed', verdict: 'refused', detail }, false);
        } else settle({ status: 'no answer', verdict: 'crash', detail: why }, false);
      };
      const onClose = () => unanswered('the connection closed without an answer');
      const onError = (error: NodeJS.ErrnoException) =>
        unanswered(`${error.code ?? ''} ${error.message}`);
      const timer = setTimeout(
        () =>
          settle(
            { status: 'no answer', verdict: 'hang', detail: `none in ${timeoutMs} ms` },
            false,
          ),
        timeoutMs,
      );
      socket.on('data', onData);
      socket.on('close', onClose);
      socket.on('error', onError);
      socket.write(bytes);
    });
  }

  /** An idle socket the server has not closed (it closes idle ones after a while), or a new one. */
  private take(): Socket {
    for (let socket = this.idle.pop(); socket; socket = this.idle.pop()) {
      if (!socket.destroyed && socket.writable && socket.readable) return socket;
      socket.destroy();
    }
    const url = new URL(this.baseUrl);
    const socket = connect({ host: url.hostname, port: Number(url.port) });
    socket.setNoDelay(true);
    socket.on('error', () => undefined); // a reset while idle: the next take() skips it
    return socket;
  }

  close(): void {
    for (const socket of this.idle.splice(0)) socket.destroy();
  }
}
