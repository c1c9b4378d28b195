import { request as httpRequest } from 'node:http';
import { connect, type Socket } from 'node:net';
import { createLogger, Refusals } from '@taba/common';
import { afterEach, describe, expect, it } from 'vitest';
import { GatewayAuth } from '../auth/gateway-auth.js';
import type { RestBackend } from './routes.js';
import type { RestCapacity, RestServer } from './server.js';
import { startRestServer } from './server.js';

const MIB = 1024 * 1024;
const CAPACITY: RestCapacity = {
  maxConnections: 1024,
  maxInflightRequests: 256,
  maxInflightBodyBytes: 64 * MIB,
  maxHeaderBytes: 16_384,
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 120_000,
};

let posted = 0;
const backend: RestBackend = {
  postBatch: async () => {
    posted += 1;
    return {
      applied: 0,
      rejectedCount: 0,
      rejected: [],
      duplicate: false,
      fencedOlderSession: false,
      fencedSession: 0,
    };
  },
  query: () => Promise.reject(new Error('not used')),
  status: async () => ({ instances: [] }),
  metrics: async () => 'taba_up 1\n',
};

let server: RestServer | undefined;
const sockets: Socket[] = [];
afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  await server?.close(100);
  server = undefined;
  posted = 0;
});

async function start(capacity: Partial<RestCapacity>, refusals: Refusals): Promise<number> {
  server = await startRestServer({
    address: '127.0.0.1:0',
    maxBodyBytes: 16 * MIB,
    limits: { maxEventsBodyBytes: MIB, maxPostClients: 1000, maxBatchEvents: 100_000 },
    capacity: { ...CAPACITY, ...capacity },
    refusals,
    backend,
    auth: GatewayAuth.off(),
    logger: createLogger({ service: 'gateway', level: 'silent' }),
  });
  return Number(server.address.split(':').pop());
}

function openSocket(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => resolve(socket));
    socket.on('error', reject);
    sockets.push(socket);
  });
}

describe('REST server bounds', () => {
  it('closes connections past TABA_REST_MAX_CONNECTIONS at once, and counts them', async () => {
    const refusals = new Refusals();
    const port = await start({ maxConnections: 2 }, refusals);
    await openSocket(port);
    await openSocket(port);
    const third = await openSocket(port);
    await new Promise<void>(resolve => third.once('close', () => resolve()));
    expect(refusals.get('TOO_MANY_CONNECTIONS')).toBe(1);
  });

  it('stops reading a chunked /v1/events body at TABA_EVENTS_MAX_BODY_BYTES and answers 413', async () => {
    const refusals = new Refusals();
    const port = await start({}, refusals);
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const request = httpRequest(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/v1/events',
          headers: { 'transfer-encoding': 'chunked', 'content-type': 'application/json' },
          agent: false,
        },
        response => {
          let body = '';
          response.setEncoding('utf8');
          response.on('data', (text: string) => {
            body += text;
          });
          response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
        },
      );
      // The server may close while the body is still being written: the answer is what counts.
      request.on('error', error => {
        if ((error as NodeJS.ErrnoException).code !== 'EPIPE') reject(error);
      });
      let sent = 0;
      const write = () => {
        while (sent < 16 * MIB && !request.destroyed) {
          sent += chunk.length;
          if (!request.write(chunk)) {
            request.once('drain', write);
            return;
          }
        }
        request.end();
      };
      write();
    });
    expect(answer.status).toBe(413);
    expect(JSON.parse(answer.body)).toEqual({
      error: {
        code: 'RESOURCE_EXHAUSTED',
        reason: 'BODY_TOO_LARGE',
        message: `the request body is larger than the limit of ${MIB} bytes`,
      },
    });
    expect(posted).toBe(0);
    expect(refusals.get('BODY_TOO_LARGE')).toBe(1);
  });

  it('answers Expect: 100-continue only for a body within the limit', async () => {
    const port = await start({}, new Refusals());
    const ask = (path: string, body: string, declared: number) =>
      new Promise<{ status: number; continued: boolean }>((resolve, reject) => {
        let continued = false;
        const request = httpRequest(
          {
            host: '127.0.0.1',
            port,
            method: 'POST',
            path,
            headers: { expect: '100-continue', 'content-length': String(declared) },
            agent: false,
          },
          response => {
            response.resume();
            response.on('end', () => resolve({ status: response.statusCode ?? 0, continued }));
          },
        );
        request.on('error', reject);
        request.once('continue', () => {
          continued = true;
          request.end(body);
        });
      });
    expect(await ask('/post', LINE, Buffer.byteLength(LINE))).toEqual({
      status: 200,
      continued: true,
    });
    expect(posted).toBe(1);
    expect(await ask('/v1/events', '', 2 * MIB)).toEqual({ status: 413, continued: false });
  });

  it('refuses a body past TABA_REST_MAX_INFLIGHT_BODY_BYTES while others are read, and counts it', async () => {
    const refusals = new Refusals();
    const port = await start({ maxInflightBodyBytes: MIB }, refusals);
    const held = await openSocket(port);
    held.write('POST /post HTTP/1.1\r\nhost: x\r\ncontent-length: 800000\r\n\r\n1\n\n');
    await new Promise(resolve => setTimeout(resolve, 100));
    const second = await openSocket(port);
    const answers = readAnswers(second);
    second.write('POST /post HTTP/1.1\r\nhost: x\r\ncontent-length: 800000\r\n\r\n1\n\n');
    const [answer] = await answers.next(1);
    expect(answer?.split('\r\n')[0]).toBe('HTTP/1.1 429 Too Many Requests');
    expect(answer).toContain('"reason":"OVERLOADED"');
    expect(answer).toContain('TABA_REST_MAX_INFLIGHT_BODY_BYTES');
    expect(refusals.get('OVERLOADED')).toBe(1);
    // The rest of the refused body is read and thrown away, so the connection serves the next.
    expect(answer).not.toContain('connection: close');
    second.write(Buffer.alloc(800_000 - 3, 0x20));
    second.write(`POST /post HTTP/1.1\r\nhost: x\r\ncontent-length: ${LINE.length}\r\n\r\n${LINE}`);
    const [next] = await answers.next(1);
    expect(next?.split('\r\n')[0]).toBe('HTTP/1.1 200 OK');
    expect(posted).toBe(1);
  });

  it('reads and throws away a refused body it can bound: the client writing all of it gets the 413, and the connection serves the next request', async () => {
    const refusals = new Refusals();
    const port = await start({}, refusals);
    const socket = await openSocket(port);
    const errors: Error[] = [];
    socket.on('error', error => errors.push(error));
    const answers = readAnswers(socket);
    // Over /v1/events's 1 MiB, within the server's 16 MiB: refused by its declared length.
    socket.write(`POST /v1/events HTTP/1.1\r\nhost: x\r\ncontent-length: ${12 * MIB}\r\n\r\n`);
    socket.write(Buffer.alloc(12 * MIB, 0x20));
    socket.write(`POST /post HTTP/1.1\r\nhost: x\r\ncontent-length: ${LINE.length}\r\n\r\n${LINE}`);
    const [refused, next] = await answers.next(2);
    expect(refused?.split('\r\n')[0]).toBe('HTTP/1.1 413 Payload Too Large');
    expect(refused).toContain('"reason":"BODY_TOO_LARGE"');
    expect(next?.split('\r\n')[0]).toBe('HTTP/1.1 200 OK');
    expect(errors).toEqual([]);
    expect(refusals.get('BODY_TOO_LARGE')).toBe(1);
    expect(posted).toBe(1);
  });

  it('closes the connection after the answer when the refused body is larger than TABA_MAX_BODY_BYTES', async () => {
    const port = await start({}, new Refusals());
    const socket = await openSocket(port);
    const closed = new Promise<void>(resolve => socket.once('close', () => resolve()));
    const answers = readAnswers(socket);
    socket.write(`POST /v1/events HTTP/1.1\r\nhost: x\r\ncontent-length: ${32 * MIB}\r\n\r\n`);
    const [answer] = await answers.next(1);
    expect(answer?.split('\r\n')[0]).toBe('HTTP/1.1 413 Payload Too Large');
    expect(answer).toContain('connection: close');
    await closed;
  });
});

const LINE = '1\n\nc1\n\nbid\n["CounterGroup", 1763800000, "1"]\n\n\n';

/** Splits what a raw socket receives into whole HTTP answers (each with a Content-Length). */
function readAnswers(socket: Socket) {
  let text = '';
  const complete: string[] = [];
  const waiters: (() => void)[] = [];
  socket.setEncoding('utf8');
  socket.on('data', (chunk: string) => {
    text += chunk;
    for (;;) {
      const headEnd = text.indexOf('\r\n\r\n');
      const length = /content-length: (\d+)/i.exec(text.slice(0, headEnd));
      if (headEnd < 0 || !length) break;
      const end = headEnd + 4 + Number(length[1]);
      if (text.length < end) break;
      complete.push(text.slice(0, end));
      text = text.slice(end);
    }
    for (const wake of waiters.splice(0)) wake();
  });
  return {
    /** The next `count` answers (bounded by the test's time-out). */
    next: async (count: number): Promise<string[]> => {
      while (complete.length < count) await new Promise<void>(wake => waiters.push(wake));
      return complete.splice(0, count);
    },
  };
}
