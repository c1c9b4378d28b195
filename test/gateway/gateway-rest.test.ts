// The REST/JSON bridge of the gateway against real gRPC stand-ins for ingest and query.
import { request as httpRequest } from 'node:http';
import { status } from '@grpc/grpc-js';
import { StaticDiscovery } from '@taba/common';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { useCleanup } from '../support/in-process-service.js';
import type { IngestStandIn, QueryStandIn, StandInStack, TestGateway } from './stand-ins.js';
import { startStandInStack, startTestGateway } from './stand-ins.js';

const onCleanup = useCleanup();
const MAX_BODY_BYTES = 4096;

let ingest: IngestStandIn;
let query: QueryStandIn;
let gateway: TestGateway;

let stack: StandInStack;

beforeAll(async () => {
  stack = await startStandInStack(() => ({ TABA_MAX_BODY_BYTES: String(MAX_BODY_BYTES) }));
  ({ ingest, query, gateway } = stack);
});

afterAll(async () => {
  await stack?.stop();
});

beforeEach(() => {
  ingest.calls.length = 0;
  ingest.raw.length = 0;
  ingest.answer = () => ({ applied: 0 });
  query.calls.length = 0;
});

interface HttpAnswer {
  readonly status: number;
  readonly contentType: string;
  readonly headers: Headers;
  readonly text: string;
  /** The body parsed as JSON (undefined when it is not JSON). */
  readonly json: unknown;
}

async function http(
  method: string,
  path: string,
  options: { body?: string; headers?: Record<string, string>; base?: string } = {},
): Promise<HttpAnswer> {
  const response = await fetch(`${options.base ?? gateway.restUrl}${path}`, {
    method,
    headers: options.headers ?? {},
    signal: AbortSignal.timeout(2000),
    ...(options.body === undefined ? {} : { body: options.body }),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return {
    status: response.status,
    contentType: response.headers.get('content-type') ?? '',
    headers: response.headers,
    text,
    json,
  };
}

function errorOf(answer: HttpAnswer) {
  return (answer.json as { error: { code: string; reason: string; message: string } }).error;
}

describe('POST /v1/events', () => {
  it('posts one columnar batch and maps rejections back to the request index', async () => {
    ingest.answer = () => ({
      applied: 3,
      rejectedCount: 2,
      rejected: [
        { index: 4, tab: 2, event: 0, code: 'EXPIRED', reason: 'expiry has passed' },
        { index: 1, tab: 0, event: 1, code: 'LATE', reason: 'too old' },
      ],
    });
    const before = Date.now() / 1000;
    const body = {
      client: 'c1',
      seq: 7,
      events: [
        { name: 'bid', type: 'CounterGroup', value: 0.23, timestamp: 1_763_800_000.5 },
        { name: 'state', type: 'GAUGE', value: 'on' },
        { name: 'bid', value: 2 },
        { name: 'temp', type: 'ExpiryGauge', value: [21.5, 1_763_900_000] },
        { name: 'lat', type: 'Histogram', value: 3, bounds: [1, 5, 10] },
      ],
    };

    const answer = await http('POST', '/v1/events', { body: JSON.stringify(body) });

    expect(answer.status).toBe(200);
    expect(answer.contentType).toBe('application/json; charset=utf-8');
    expect(answer.json).toEqual({
      applied: 3,
      rejected: [
        { index: 2, reason: 'too old', code: 'LATE' },
        { index: 3, reason: 'expiry has passed', code: 'EXPIRED' },
      ],
      rejectedCount: 2,
      duplicate: false,
    });
    expect(ingest.calls).toHaveLength(1);
    const batch = ingest.calls[0]?.request;
    expect(batch).toMatchObject({ clientId: 'c1', seq: 7, sentAt: 0 });
    expect(batch?.tabs.map(tab => [tab.name, tab.type])).toEqual([
      ['bid', 'COUNTER_GROUP'],
      ['state', 'GAUGE'],
      ['temp', 'EXPIRY_GAUGE'],
      ['lat', 'HISTOGRAM'],
    ]);
    const [bid, state, temp, lat] = batch?.tabs ?? [];
    expect(bid?.values).toEqual([0.23, 2]);
    // The event without a timestamp, in a column with timestamps, gets the time of arrival.
    expect(bid?.timestamps[0]).toBe(1_763_800_000.5);
    expect(bid?.timestamps[1]).toBeGreaterThanOrEqual(Math.floor(before));
    expect(state).toMatchObject({ strings: ['on'], values: [], timestamps: [] });
    expect(temp).toMatchObject({ values: [21.5], expiries: [1_763_900_000] });
    expect(lat).toMatchObject({ values: [3], bounds: [1, 5, 10] });
  });

  it('answers a TYPE_CONFLICT from ingest as 409 with code and reason', async () => {
    ingest.answer = () => ({
      error: {
        code: status.FAILED_PRECONDITION,
        details: 'bid is a CounterGroup',
        reason: 'TYPE_CONFLICT',
      },
    });

    const answer = await http('POST', '/v1/events', {
      body: JSON.stringify({ client: 'c1', events: [{ name: 'bid', type: 'Gauge', value: 1 }] }),
    });

    expect(answer.status).toBe(409);
    expect(answer.json).toEqual({
      error: {
        code: 'FAILED_PRECONDITION',
        reason: 'TYPE_CONFLICT',
        message: 'bid is a CounterGroup',
      },
    });
  });

  it('refuses invalid JSON and a malformed shape with 400, naming the field', async () => {
    const badJson = await http('POST', '/v1/events', { body: '{"client":' });
    expect(badJson.status).toBe(400);
    expect(errorOf(badJson)).toMatchObject({ code: 'INVALID_ARGUMENT', reason: 'INVALID_JSON' });

    const badShape = await http('POST', '/v1/events', {
      body: JSON.stringify({
        client: 'c1',
        events: [
          { name: 'a', value: 1 },
          { name: 'b', value: true },
        ],
      }),
    });
    expect(badShape.status).toBe(400);
    expect(errorOf(badShape)).toEqual({
      code: 'INVALID_ARGUMENT',
      reason: 'INVALID_BODY',
      message: 'events[1].value must be a number, a string or [value, expiry]',
    });
    expect(ingest.calls).toHaveLength(0);
  });

  it('refuses a body over TABA_MAX_BODY_BYTES with 413, declared or streamed', async () => {
    const big = JSON.stringify({ client: 'c1', events: [], pad: 'x'.repeat(MAX_BODY_BYTES) });
    const declared = await http('POST', '/v1/events', { body: big });
    expect(declared.status).toBe(413);
    expect(errorOf(declared)).toMatchObject({
      code: 'RESOURCE_EXHAUSTED',
      reason: 'BODY_TOO_LARGE',
    });

    // Chunked, so the size is only known while reading.
    const streamed = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const url = new URL('/v1/events', gateway.restUrl);
      const request = httpRequest(url, { method: 'POST', timeout: 2000 }, response => {
        let body = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          body += chunk;
        });
        response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
      });
      request.on('timeout', () => request.destroy(new Error('no answer within 2 s')));
      request.on('error', reject);
      for (let i = 0; i < 5; i += 1) request.write('x'.repeat(1024));
      request.end();
    });
    expect(streamed.status).toBe(413);
    expect(JSON.parse(streamed.body)).toMatchObject({ error: { reason: 'BODY_TOO_LARGE' } });
    expect(ingest.calls).toHaveLength(0);
  });
});

describe('read endpoints', () => {
  it('GET /v1/tabs embeds each JSON render under its name and passes the filter', async () => {
    query.answers.GetAggregates = {
      tabs: [
        { name: 'a', type: 'TOTALS_COUNTER', body: '{"count":2,"total":3,"average":1.5}' },
        { name: 'b', type: 'GAUGE', body: '{"values":{"on":1}}' },
      ],
    };

    const answer = await http('GET', '/v1/tabs?name=a,b&client=x,y');

    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({
      a: { count: 2, total: 3, average: 1.5 },
      b: { values: { on: 1 } },
    });
    expect(query.calls[0]).toMatchObject({
      method: 'GetAggregates',
      request: { filter: { names: ['a', 'b'], clients: ['x', 'y'], regex: false }, mode: 'JSON' },
    });
  });

  it('GET /v1/tabs answers the TEXT render for Accept: text/plain, and DETAIL for detail=1', async () => {
    query.answers.GetAggregates = {
      tabs: [
        { name: 'a', type: 'TOTALS_COUNTER', body: 'count=2 total=3 average=1.5' },
        { name: 'b', type: 'GAUGE', body: 'values.on=1' },
      ],
    };
    const asText = await http('GET', '/v1/tabs', { headers: { accept: 'text/plain' } });
    expect(asText.status).toBe(200);
    expect(asText.contentType).toBe('text/plain; charset=utf-8');
    expect(asText.text).toBe('a: count=2 total=3 average=1.5\nb: values.on=1\n');
    expect(query.calls[0]?.request).toMatchObject({ mode: 'TEXT' });

    query.answers.GetAggregates = {
      tabs: [{ name: 'a', type: 'TOTALS_COUNTER', body: '{"count":2,"series":[]}' }],
    };
    const detailed = await http('GET', '/v1/tabs?detail=1&name=a');
    expect(detailed.json).toEqual({ a: { count: 2, series: [] } });
    expect(query.calls[1]?.request).toMatchObject({ mode: 'DETAIL' });
  });

  it('GET /v1/projections nests the renders by name, then client', async () => {
    query.answers.GetProjections = {
      tabs: [
        {
          name: 'g',
          type: 'GAUGE',
          clients: [
            { clientId: 'x', body: '{"value":"on"}' },
            { clientId: 'y', body: '{"value":"off"}' },
          ],
        },
      ],
    };
    const answer = await http('GET', '/v1/projections?name=g&client=x&client=y');
    expect(answer.json).toEqual({ g: { x: { value: 'on' }, y: { value: 'off' } } });
    expect(query.calls[0]?.request).toMatchObject({ filter: { clients: ['x', 'y'] } });
  });

  it('GET /v1/supertabs with re=1 sends patterns and answers the render itself', async () => {
    query.answers.GetSuperAggregate = {
      type: 'TOTALS_COUNTER',
      names: ['bid.a', 'bid.b'],
      body: '{"count":5,"total":10,"average":2}',
    };
    const answer = await http('GET', `/v1/supertabs?name=${encodeURIComponent('^bid\\.')}&re=1`);
    expect(answer.json).toEqual({ count: 5, total: 10, average: 2 });
    expect(query.calls[0]?.request).toMatchObject({
      filter: { names: ['^bid\\.'], clients: [], regex: true },
      mode: 'JSON',
    });
  });

  it('GET /v1/names, /v1/clients and /v1/types list what query lists', async () => {
    query.answers.ListNames = { names: ['a', 'b'] };
    query.answers.ListClients = { clientIds: ['x'] };
    query.answers.ListTypes = {
      types: [
        { name: 'a', type: 'COUNTER_GROUP' },
        { name: 'h', type: 'HISTOGRAM', bounds: [1, 5] },
      ],
    };

    expect((await http('GET', '/v1/names?client=x')).json).toEqual(['a', 'b']);
    expect((await http('GET', '/v1/clients')).json).toEqual(['x']);
    expect((await http('GET', '/v1/types?name=a,h')).json).toEqual({
      a: 'CounterGroup',
      h: { type: 'Histogram', bounds: [1, 5] },
    });
    expect(query.calls.map(call => [call.method, call.request])).toEqual([
      ['ListNames', { filter: { names: [], clients: ['x'], regex: false } }],
      ['ListClients', { filter: { names: [], clients: [], regex: false } }],
      ['ListTypes', { filter: { names: ['a', 'h'], clients: [], regex: false } }],
    ]);
  });

  it('GET /v1/status lists the gateway and every instance', async () => {
    const answer = await http('GET', '/v1/status');
    const instances = (answer.json as { instances: { service: string; instanceId: string }[] })
      .instances;
    expect(instances.map(instance => instance.service)).toEqual([
      'gateway',
      'ingest',
      'query',
      'aggregator',
    ]);
    expect(instances[0]?.instanceId).toBe('gateway-test-1');
  });

  it('DELETE /v1/tabs deletes by name, and refuses an empty filter', async () => {
    query.answers.DeleteTabs = { deleted: ['a'] };
    const answer = await http('DELETE', '/v1/tabs?name=a');
    expect(answer.json).toEqual({ deleted: ['a'] });
    expect(query.calls[0]).toMatchObject({
      method: 'DeleteTabs',
      request: { filter: { names: ['a'] } },
    });

    const everything = await http('DELETE', '/v1/tabs');
    expect(everything.status).toBe(400);
    expect(errorOf(everything).reason).toBe('NAME_REQUIRED');
    expect(query.calls).toHaveLength(1);
  });

  it('answers NOT_FOUND as 404 and UNIMPLEMENTED as 501', async () => {
    query.answers.GetSuperAggregate = {
      error: { code: status.NOT_FOUND, details: 'nothing matches', reason: 'NO_TABS' },
    };
    const notFound = await http('GET', '/v1/supertabs?name=zzz');
    expect(notFound.status).toBe(404);
    expect(errorOf(notFound)).toEqual({
      code: 'NOT_FOUND',
      reason: 'NO_TABS',
      message: 'nothing matches',
    });

    delete query.answers.ListClients;
    const unimplemented = await http('GET', '/v1/clients');
    expect(unimplemented.status).toBe(501);
    expect(errorOf(unimplemented).code).toBe('UNIMPLEMENTED');
  });
});

describe('requests the bridge refuses', () => {
  it('an unknown query parameter: 400', async () => {
    const answer = await http('GET', '/v1/tabs?nmae=a');
    expect(answer.status).toBe(400);
    expect(errorOf(answer)).toMatchObject({
      code: 'INVALID_ARGUMENT',
      reason: 'UNKNOWN_PARAMETER',
    });
    expect(errorOf(answer).message).toContain('"nmae"');
    expect((await http('GET', '/v1/status?verbose=1')).status).toBe(400);
  });

  it('text/plain with detail=1: 400', async () => {
    const answer = await http('GET', '/v1/tabs?detail=1', { headers: { accept: 'text/plain' } });
    expect(answer.status).toBe(400);
    expect(errorOf(answer).reason).toBe('INVALID_PARAMETER');
  });

  it('an unknown path: 404; a wrong method: 405 with Allow', async () => {
    const unknown = await http('GET', '/v2/tabs');
    expect(unknown.status).toBe(404);
    expect(errorOf(unknown)).toMatchObject({ code: 'NOT_FOUND', reason: 'UNKNOWN_PATH' });

    const wrong = await http('PUT', '/v1/tabs', { body: '{}' });
    expect(wrong.status).toBe(405);
    expect(wrong.headers.get('allow')).toBe('GET, DELETE');
    expect(errorOf(wrong).reason).toBe('METHOD_NOT_ALLOWED');
  });

  it('pathological input: always a JSON 4xx, and the bridge keeps serving', async () => {
    const cases: [string, string, string | undefined][] = [
      ['POST', '/v1/events', '['.repeat(4000)],
      ['POST', '/v1/events', '\u0000\u0001\uffff'],
      ['POST', '/v1/events', '{"client":"c","events":[],"__proto__":{"x":1}}'],
      ['POST', '/v1/events', ''],
      ['POST', '/post', '\u0000'],
      ['POST', '/post', `1\n\nc\n\nn\n${'['.repeat(3000)}\n`],
      ['GET', '/v1/tabs?%zz=%', undefined],
      ['GET', '//v1/tabs', undefined],
      ['GET', `/v1/tabs?name=${'a'.repeat(6000)}&bad`, undefined],
    ];
    for (const [method, path, body] of cases) {
      const answer = await http(method, path, body === undefined ? {} : { body });
      expect(answer.status, `${method} ${path}`).toBeGreaterThanOrEqual(400);
      expect(answer.status, `${method} ${path}`).toBeLessThan(500);
      expect(errorOf(answer).code, `${method} ${path}`).toMatch(/^[A-Z_]+$/);
    }
    expect(ingest.calls).toHaveLength(0);
    expect((await http('GET', '/v1/status')).status).toBe(200);
  });

  it('no ingest instance: 503', async () => {
    const lonely = await startTestGateway(
      {},
      { discovery: new StaticDiscovery({ query: [query.address] }) },
    );
    onCleanup(() => lonely.stop());
    const answer = await http('POST', '/v1/events', {
      base: lonely.restUrl,
      body: JSON.stringify({ client: 'c1', events: [] }),
    });
    expect(answer.status).toBe(503);
    expect(errorOf(answer)).toMatchObject({ code: 'UNAVAILABLE', reason: 'NO_INSTANCE' });
  });
});

describe('POST /post (Taba line protocol)', () => {
  const body = [
    '1',
    '',
    'c1',
    '',
    'bid',
    '["CounterGroup", 1763800000, "0.5"]',
    '["CounterGroup", 1763800001, "1.5"]',
    '',
    'temp',
    '["ExpiryGauge", 1763800002, "[\\"warm\\", 1763900000]"]',
    '',
    '',
    'c2',
    '',
    'bid',
    '["CounterGroup", 1763800003, "7"]',
    '',
    '',
    '',
  ].join('\n');

  it('posts one batch per client, with the right columns, and names rejections by line', async () => {
    ingest.answer = (_batch, index) =>
      index === 0
        ? {
            applied: 2,
            rejectedCount: 1,
            rejected: [{ index: 1, tab: 0, event: 1, code: 'LATE', reason: 'too old' }],
          }
        : { applied: 1 };

    const answer = await http('POST', '/post', { body });

    expect(answer.status).toBe(200);
    expect(answer.json).toEqual({
      applied: 3,
      rejectedCount: 1,
      rejected: [{ client: 'c1', line: 7, reason: 'too old', code: 'LATE' }],
    });
    expect(ingest.calls.map(call => call.request.clientId)).toEqual(['c1', 'c2']);
    const [first, second] = ingest.calls.map(call => call.request);
    expect(first?.seq).toBe(0);
    expect(first?.tabs).toMatchObject([
      {
        name: 'bid',
        type: 'COUNTER_GROUP',
        values: [0.5, 1.5],
        timestamps: [1763800000, 1763800001],
      },
      { name: 'temp', type: 'EXPIRY_GAUGE', strings: ['warm'], expiries: [1763900000] },
    ]);
    expect(second?.tabs).toMatchObject([{ name: 'bid', values: [7], timestamps: [1763800003] }]);
  });

  it('refuses a malformed body with 400 and the line number, posting nothing', async () => {
    const answer = await http('POST', '/post', {
      body: '1\n\nc1\n\nbid\n["CounterGroup", 1, 321]\n',
    });
    expect(answer.status).toBe(400);
    expect(errorOf(answer)).toMatchObject({ reason: 'MALFORMED_BODY' });
    expect(errorOf(answer).message).toMatch(
      /^line 6: the payload must be JSON text inside a string/,
    );
    expect(ingest.calls).toHaveLength(0);
  });

  it('names the failing client and what was applied before it', async () => {
    ingest.answer = (_batch, index) =>
      index === 1
        ? {
            error: {
              code: status.INVALID_ARGUMENT,
              details: 'bad ID',
              reason: 'INVALID_CLIENT_ID',
            },
          }
        : { applied: 3 };
    const answer = await http('POST', '/post', { body });
    expect(answer.status).toBe(400);
    expect(errorOf(answer)).toEqual({
      code: 'INVALID_ARGUMENT',
      reason: 'INVALID_CLIENT_ID',
      message: 'client "c2" (line 13): bad ID; the batches of the 1 clients before it were applied',
    });
  });
});
