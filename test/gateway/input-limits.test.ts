// The gateway as a child process against stand-ins that count what reaches ingest: every
// input limit refuses fast, with a JSON reason (REST) or a status and taba-reason (gRPC), no
// batch reaches ingest, the process's memory stays bounded, and status counts each refusal.
import { readFileSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { deflateSync } from 'node:zlib';
import type { ServiceError } from '@grpc/grpc-js';
import { Client, credentials, Metadata, status } from '@grpc/grpc-js';
import { loadTabaProtos } from '@taba/common';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { freePort } from '../support/free-port.js';
import type { ServiceProcess } from '../support/service-process.js';
import { startServiceProcess } from '../support/service-process.js';
import type { IngestStandIn, StandIn } from './stand-ins.js';
import { startAggregatorStandIn, startIngestStandIn, startQueryStandIn } from './stand-ins.js';

const MIB = 1024 * 1024;
const MAX_MESSAGE_BYTES = 6 * MIB;
const REQUEST_TIMEOUT_MS = 1000;
const MAX_INFLIGHT_REQUESTS = 2;

let ingest: IngestStandIn;
let others: StandIn[];
let gateway: ServiceProcess;
let restPort: number;

beforeAll(async () => {
  ingest = await startIngestStandIn();
  others = await Promise.all([startQueryStandIn(), startAggregatorStandIn()]);
  restPort = await freePort();
  gateway = await startServiceProcess({
    service: 'gateway',
    env: {
      TABA_REST_ADDRESS: `127.0.0.1:${restPort}`,
      TABA_INGEST_ADDRESSES: ingest.address,
      TABA_QUERY_ADDRESSES: others[0]?.address ?? '',
      TABA_AGGREGATOR_ADDRESSES: others[1]?.address ?? '',
      TABA_INGEST_STREAMS: 'false',
      TABA_REST_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
      TABA_REST_HEADERS_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
      TABA_REST_MAX_INFLIGHT_REQUESTS: String(MAX_INFLIGHT_REQUESTS),
      TABA_LOG_LEVEL: 'warn',
    },
  });
}, 60_000);

afterAll(async () => {
  await gateway?.stop();
  await Promise.all([ingest, ...others].map(standIn => standIn?.stop()));
});

beforeEach(() => {
  ingest.calls.length = 0;
  ingest.answer = () => ({ applied: 1 });
});

interface Answer {
  readonly status: number;
  readonly json: { error?: { code: string; reason: string; message: string } } & Record<
    string,
    unknown
  >;
}

/** One request on its own connection (no pool: connections are a limit under test). */
function http(
  method: string,
  path: string,
  body?: Buffer | string,
  headers: Record<string, string> = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = httpRequest(
      { host: '127.0.0.1', port: restPort, method, path, headers, agent: false },
      response => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            json: JSON.parse(Buffer.concat(chunks).toString('utf8')) as Answer['json'],
          }),
        );
      },
    );
    request.on('error', reject);
    // With Expect: 100-continue the body goes only once the server asks for it.
    if (headers.expect === '100-continue') {
      request.once('continue', () =>
        reject(new Error('the server asked for a body it must refuse')),
      );
    } else request.end(body);
  });
}

/** The gateway process's resident memory, and its peak since the last reset, MB. */
function memoryMb(): { rss: number; peak: number } {
  const text = readFileSync(`/proc/${gateway.pid}/status`, 'utf8');
  const field = (name: string) =>
    Number(new RegExp(`${name}:\\s+(\\d+) kB`).exec(text)?.[1]) / 1024;
  return { rss: field('VmRSS'), peak: field('VmHWM') };
}

/** Resets the peak (VmHWM) to the current RSS, so the next reading is this request's peak. */
function resetPeak(): number {
  writeFileSync(`/proc/${gateway.pid}/clear_refs`, '5');
  return memoryMb().rss;
}

async function gatewayMetrics(): Promise<Record<string, number>> {
  const answer = await http('GET', '/v1/status');
  const instances = answer.json.instances as { service: string; metrics: Record<string, number> }[];
  return instances.find(instance => instance.service === 'gateway')?.metrics ?? {};
}

/** Raw bytes as PostEvents, the way a client of any language sends them. */
function postRaw(bytes: Buffer): Promise<ServiceError> {
  const client = new Client(`127.0.0.1:${gateway.port}`, credentials.createInsecure(), {
    'grpc.max_send_message_length': -1,
  });
  return new Promise<ServiceError>((resolve, reject) => {
    client.makeUnaryRequest(
      '/taba.v1.Taba/PostEvents',
      (value: Buffer) => value,
      (value: Buffer) => value,
      bytes,
      new Metadata(),
      { deadline: Date.now() + 10_000 },
      error => {
        client.close();
        if (error) resolve(error);
        else reject(new Error('the oversized message was accepted'));
      },
    );
  });
}

/** A body of `count` empty clients, as many as fit in `bytes`. */
function emptyClients(bytes: number): Buffer {
  const parts = ['1\n\n'];
  let length = 3;
  for (let i = 0; length + 12 < bytes; i += 1) {
    const client = `${i}\n\n\n`;
    parts.push(client);
    length += client.length;
  }
  parts.push('\n');
  return Buffer.from(parts.join(''), 'latin1');
}

describe('input limits through a gateway process', () => {
  it('refuses a 16 MiB /post body of 1.6 M empty clients with 413 in under a second, no ingest call, < 100 MB', async () => {
    const body = emptyClients(16 * MIB);
    expect(body.length).toBeGreaterThan(16 * MIB - 16);
    expect(body.length).toBeLessThanOrEqual(16 * MIB);
    const before = resetPeak();
    const started = performance.now();
    const answer = await http('POST', '/post', body);
    const elapsedMs = performance.now() - started;
    const growthMb = memoryMb().peak - before;
    expect(answer.status).toBe(413);
    expect(answer.json.error).toEqual({
      code: 'RESOURCE_EXHAUSTED',
      reason: 'TOO_MANY_CLIENTS',
      message: expect.stringContaining('more than 1000 client IDs') as string,
    });
    expect(elapsedMs).toBeLessThan(1000);
    expect(growthMb).toBeLessThan(100);
    expect(ingest.calls).toHaveLength(0);
    console.log(
      `/post flood refused in ${elapsedMs.toFixed(0)} ms, peak RSS +${growthMb.toFixed(0)} MB`,
    );
  });

  it('refuses a 16 MiB /v1/events body with 413 before it is sent (100-continue), no ingest call, < 100 MB', async () => {
    const events = '{"name":"a","value":1},'.repeat(Math.floor((16 * MIB - 64) / 23));
    const body = `{"client":"c","events":[${events}{"name":"a","value":1}]}`;
    const before = resetPeak();
    const answer = await http('POST', '/v1/events', body, {
      'content-type': 'application/json',
      'content-length': String(Buffer.byteLength(body)),
      expect: '100-continue',
    });
    const growthMb = memoryMb().peak - before;
    expect(answer.status).toBe(413);
    expect(answer.json.error).toEqual({
      code: 'RESOURCE_EXHAUSTED',
      reason: 'BODY_TOO_LARGE',
      message: `the request body is larger than the limit of ${MAX_MESSAGE_BYTES} bytes`,
    });
    expect(growthMb).toBeLessThan(100);
    expect(ingest.calls).toHaveLength(0);
  });

  it('refuses a gRPC message past TABA_MAX_MESSAGE_BYTES (6 MiB) with MESSAGE_TOO_LARGE', async () => {
    const batch = loadTabaProtos().taba.v1.EventBatch.serialize({
      clientId: 'big',
      tabs: [{ name: 'g', type: 'GAUGE', strings: ['x'.repeat(7 * MIB)] }],
    });
    const error = await postRaw(batch);
    expect(error.code).toBe(status.RESOURCE_EXHAUSTED);
    expect(error.metadata.get('taba-reason')).toEqual(['MESSAGE_TOO_LARGE']);
    expect(error.details).toBe(
      `a message of ${batch.length} bytes is larger than the limit of ${MAX_MESSAGE_BYTES} bytes (TABA_MAX_MESSAGE_BYTES); send smaller batches`,
    );
    expect(ingest.calls).toHaveLength(0);
  });

  it('stores a Latin-1 /post body without charset as the text it is: grün', async () => {
    const body = Buffer.from(
      '1\n\nc1\n\nstate\n["Gauge", 1763800000, "\\"grün\\""]\n\n\n',
      'latin1',
    );
    expect(body.includes(0xfc)).toBe(true);
    const answer = await http('POST', '/post', body, { 'content-type': 'text/plain' });
    expect(answer.status).toBe(200);
    expect(ingest.calls.map(call => call.request.tabs.map(tab => tab.strings))).toEqual([
      [['grün']],
    ]);
  });

  it('refuses a /v1/events body that is not UTF-8 with 400 INVALID_ENCODING', async () => {
    const body = Buffer.from(
      '{"client":"c1","events":[{"name":"state","type":"GAUGE","value":"grün"}]}',
      'latin1',
    );
    const answer = await http('POST', '/v1/events', body, { 'content-type': 'application/json' });
    expect(answer.status).toBe(400);
    expect(answer.json.error).toEqual({
      code: 'INVALID_ARGUMENT',
      reason: 'INVALID_ENCODING',
      message: 'the body is not valid UTF-8; send UTF-8 (or name its charset in Content-Type)',
    });
    expect(ingest.calls).toHaveLength(0);
  });

  it('answers a request head past 16 KiB with 431 JSON', async () => {
    const answer = await http('GET', '/v1/names', undefined, { 'x-filler': 'a'.repeat(20_000) });
    expect(answer.status).toBe(431);
    expect(answer.json.error?.reason).toBe('HEADERS_TOO_LARGE');
  });

  it('answers a body that never finishes with 408 after TABA_REST_REQUEST_TIMEOUT_MS, and refuses requests past TABA_REST_MAX_INFLIGHT_REQUESTS with 429', async () => {
    const slow = Array.from({ length: MAX_INFLIGHT_REQUESTS }, () => slowRequest());
    // Both are being served (their bodies are awaited): a third is over the budget.
    await new Promise(resolve => setTimeout(resolve, 200));
    const refused = await http('GET', '/v1/names');
    expect(refused.status).toBe(429);
    expect(refused.json.error?.reason).toBe('OVERLOADED');
    // Taba's agent pauses before resending only after a 502 or 503, so its path answers 503.
    const agent = await http('POST', '/post_zip', deflateSync('1\n\n'));
    expect({ status: agent.status, reason: agent.json.error?.reason }).toEqual({
      status: 503,
      reason: 'OVERLOADED',
    });
    const started = performance.now();
    const answers = await Promise.all(slow);
    expect(answers.map(answer => answer.split('\r\n')[0])).toEqual([
      'HTTP/1.1 408 Request Timeout',
      'HTTP/1.1 408 Request Timeout',
    ]);
    expect(performance.now() - started).toBeLessThan(3 * REQUEST_TIMEOUT_MS);
  });

  it('counts every refusal in the gateway status', async () => {
    const metrics = await gatewayMetrics();
    expect({
      TOO_MANY_CLIENTS: metrics['refused.TOO_MANY_CLIENTS'],
      BODY_TOO_LARGE: metrics['refused.BODY_TOO_LARGE'],
      MESSAGE_TOO_LARGE: metrics['refused.MESSAGE_TOO_LARGE'],
      INVALID_ENCODING: metrics['refused.INVALID_ENCODING'],
      HEADERS_TOO_LARGE: metrics['refused.HEADERS_TOO_LARGE'],
      REQUEST_TIMEOUT: metrics['refused.REQUEST_TIMEOUT'],
      OVERLOADED: metrics['refused.OVERLOADED'],
    }).toEqual({
      TOO_MANY_CLIENTS: 1,
      BODY_TOO_LARGE: 1,
      MESSAGE_TOO_LARGE: 1,
      INVALID_ENCODING: 1,
      HEADERS_TOO_LARGE: 1,
      REQUEST_TIMEOUT: 2,
      OVERLOADED: 2,
    });
  });
});

/** A POST whose head promises 1000 bytes of body and sends 10: the raw answer. */
function slowRequest(): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect(restPort, '127.0.0.1', () => {
      socket.write(
        'POST /post HTTP/1.1\r\nhost: x\r\ncontent-type: text/plain\r\ncontent-length: 1000\r\n\r\n1\n\nc1\n\nab',
      );
    });
    let answer = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk: string) => {
      answer += chunk;
    });
    socket.on('close', () => resolve(answer));
    socket.on('error', reject);
  });
}
