// OpenTelemetry traces across real processes: the whole stack exports to an OTLP receiver in
// this process (the gateway and ingest in http/json, the aggregator and query in
// http/protobuf). One post is one trace with spans from the gateway, ingest and the aggregator,
// each parented on the span that called it across the process boundary; a caller's
// `traceparent` (REST header or gRPC metadata) is the root's parent; the group commit starts a
// trace of its own linked to the Commit it wrote. With tracing off, nothing is exported.
import { Metadata } from '@grpc/grpc-js';
import type { EventBatch, PostEventsResponse__Output } from '@taba/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, LOOPBACK } from '../support/free-port.js';
import { useGatewayStack } from '../support/gateway-stack.js';
import { connectIngest, deadlineIn, unary } from '../support/grpc-client.js';
import type { OtlpReceiver, ReceivedSpan } from '../support/otlp-receiver.js';
import { startOtlpReceiver } from '../support/otlp-receiver.js';
import { spawnServiceProcess, startServiceProcess } from '../support/service-process.js';

const SERVER = 2;
const CLIENT = 3;

let receiver: OtlpReceiver;
// The stack reads the receiver's endpoint when it starts (after this file's first beforeAll).
const env: Record<string, string> = {};
const aggregatorEnv: Record<string, string> = {};
beforeAll(async () => {
  receiver = await startOtlpReceiver();
  Object.assign(env, {
    OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
    OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
    OTEL_BSP_SCHEDULE_DELAY: '50',
  });
  Object.assign(aggregatorEnv, { OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'http/protobuf' });
});
afterAll(() => receiver.close());

const { stack, grpc } = useGatewayStack({
  redisShards: 1,
  aggregators: 1,
  env,
  aggregatorEnv,
});

/** A traceparent of a caller's own span: random ids, sampled. */
function callerContext(): { traceId: string; spanId: string; traceparent: string } {
  const hex = (bytes: number) =>
    Buffer.from(crypto.getRandomValues(new Uint8Array(bytes))).toString('hex');
  const traceId = hex(16);
  const spanId = hex(8);
  return { traceId, spanId, traceparent: `00-${traceId}-${spanId}-01` };
}

function batchOf(client: string, tab: string): EventBatch {
  return {
    clientId: client,
    tabs: [{ name: tab, type: 'COUNTER_GROUP', values: [1, 2, 3], timestamps: [] }],
  } as unknown as EventBatch;
}

/** The one span of `trace` named `name` from `service` (fails on none or several). */
function only(spans: readonly ReceivedSpan[], service: string, name: string): ReceivedSpan {
  const found = spans.filter(span => span.service === service && span.name === name);
  expect(found.map(span => `${span.service} ${span.name}`)).toEqual([`${service} ${name}`]);
  return found[0] as ReceivedSpan;
}

const inTrace = (traceId: string) => receiver.spans.filter(span => span.traceId === traceId);

/** Waits until the trace holds every span named (service and name) and returns its spans. */
async function traceWith(traceId: string, names: readonly string[]): Promise<ReceivedSpan[]> {
  await receiver.waitFor(() => {
    const have = new Set(inTrace(traceId).map(span => `${span.service} ${span.name}`));
    return names.every(name => have.has(name));
  });
  return inTrace(traceId);
}

/** Checks the post path below the gateway's receipt span `receipt`, across ingest and the aggregator. */
function expectPostPath(spans: readonly ReceivedSpan[], receipt: ReceivedSpan): void {
  const forward = only(spans, 'taba-gateway', 'ingest.forward');
  expect(forward.kind).toBe(CLIENT);
  expect(forward.parentSpanId).toBe(receipt.spanId);
  const batch = only(spans, 'taba-ingest', 'ingest.batch');
  expect(batch.kind).toBe(SERVER);
  expect(batch.parentSpanId).toBe(forward.spanId);
  expect(only(spans, 'taba-ingest', 'ingest.decode').parentSpanId).toBe(batch.spanId);
  const fold = only(spans, 'taba-ingest', 'ingest.fold');
  expect(fold.parentSpanId).toBe(batch.spanId);
  expect(fold.attributes['taba.parts']).toBe(1);
  const send = only(spans, 'taba-ingest', 'aggregator.commit');
  expect(send.kind).toBe(CLIENT);
  expect(send.parentSpanId).toBe(batch.spanId);
  expect(send.attributes['taba.parts']).toBe(1);
  expect(send.attributes['server.address']).toBe(stack().aggregators[0]?.address);
  const commit = only(spans, 'taba-aggregator', 'taba.internal.v1.Aggregator/Commit');
  expect(commit.kind).toBe(SERVER);
  expect(commit.parentSpanId).toBe(send.spanId);
  expect(batch.attributes['taba.applied']).toBe(3);
}

/** The group commit that wrote the Commit span's part: its own trace, linked to it. */
async function groupCommitOf(commit: ReceivedSpan): Promise<ReceivedSpan> {
  const linked = () =>
    receiver.spans.find(
      span =>
        span.name === 'aggregator.group_commit' &&
        span.links.some(link => link.spanId === commit.spanId && link.traceId === commit.traceId),
    );
  await receiver.waitFor(() => linked() !== undefined);
  return linked() as ReceivedSpan;
}

describe('traces through the stack', () => {
  it('one REST post is one trace from the gateway through ingest to the aggregator, under the caller’s traceparent', async () => {
    const caller = callerContext();
    const answer = await fetch(`${stack().restUrl}/v1/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', traceparent: caller.traceparent },
      body: JSON.stringify({
        client: 'trace-rest',
        events: [
          { name: 'traced-rest', type: 'CounterGroup', value: 1 },
          { name: 'traced-rest', value: 2 },
          { name: 'traced-rest', value: 3 },
        ],
      }),
    });
    expect(answer.status).toBe(200);
    const spans = await traceWith(caller.traceId, [
      'taba-gateway POST /v1/events',
      'taba-gateway ingest.forward',
      'taba-ingest ingest.batch',
      'taba-ingest ingest.decode',
      'taba-ingest ingest.fold',
      'taba-ingest aggregator.commit',
      'taba-aggregator taba.internal.v1.Aggregator/Commit',
    ]);
    const receipt = only(spans, 'taba-gateway', 'POST /v1/events');
    expect(receipt.kind).toBe(SERVER);
    expect(receipt.parentSpanId).toBe(caller.spanId);
    expect(receipt.attributes['http.response.status_code']).toBe(200);
    expectPostPath(spans, receipt);
    expect(new Set(spans.map(span => span.service))).toEqual(
      new Set(['taba-gateway', 'taba-ingest', 'taba-aggregator']),
    );

    const group = await groupCommitOf(
      only(spans, 'taba-aggregator', 'taba.internal.v1.Aggregator/Commit'),
    );
    expect(group.traceId).not.toBe(caller.traceId);
    expect(group.parentSpanId).toBe('');
    expect(group.attributes['taba.group.parts']).toBeGreaterThanOrEqual(1);
    const script = await traceWith(group.traceId, ['taba-aggregator redis.commit_script']);
    expect(only(script, 'taba-aggregator', 'redis.commit_script').parentSpanId).toBe(group.spanId);
    // Both encodings arrived: the gateway's and ingest's JSON, the aggregator's protobuf.
    expect(receiver.requests['application/json']).toBeGreaterThan(0);
    expect(receiver.requests['application/x-protobuf']).toBeGreaterThan(0);
  });

  it('a /post body is one trace: the receipt, then one forward per client batch', async () => {
    const caller = callerContext();
    const now = Math.floor(Date.now() / 1000);
    const line = (value: number) => JSON.stringify(['CounterGroup', now, String(value)]);
    const body = `1\n\ntrace-post-a\n\ntraced-post\n${line(1)}\n${line(2)}\n${line(3)}\n\n\ntrace-post-b\n\ntraced-post\n${line(4)}\n\n\n\n`;
    const answer = await fetch(`${stack().restUrl}/post`, {
      method: 'POST',
      headers: { traceparent: caller.traceparent },
      body,
    });
    expect(await answer.json()).toEqual({ applied: 4, rejectedCount: 0, rejected: [] });
    const spans = await traceWith(caller.traceId, ['taba-gateway POST /post']);
    const receipt = only(spans, 'taba-gateway', 'POST /post');
    expect(receipt.parentSpanId).toBe(caller.spanId);
    await receiver.waitFor(
      () =>
        inTrace(caller.traceId).filter(span => span.name === 'taba.internal.v1.Aggregator/Commit')
          .length === 2,
    );
    const forwards = inTrace(caller.traceId).filter(span => span.name === 'ingest.forward');
    expect(forwards.map(span => span.parentSpanId)).toEqual([receipt.spanId, receipt.spanId]);
    const batches = inTrace(caller.traceId).filter(span => span.name === 'ingest.batch');
    expect(batches.map(span => span.parentSpanId).sort()).toEqual(
      forwards.map(span => span.spanId).sort(),
    );
    expect(batches.map(span => span.attributes['taba.client_id']).sort()).toEqual([
      'trace-post-a',
      'trace-post-b',
    ]);
  });

  it('a gRPC post takes the caller’s traceparent from its metadata', async () => {
    const caller = callerContext();
    const metadata = new Metadata();
    metadata.set('traceparent', caller.traceparent);
    const response = await unary<PostEventsResponse__Output>(callback =>
      grpc().postEvents(
        batchOf('trace-grpc', 'traced-grpc'),
        metadata,
        { deadline: deadlineIn(5000) },
        callback,
      ),
    );
    expect(response.applied).toBe(3);
    const spans = await traceWith(caller.traceId, [
      'taba-gateway taba.v1.Taba/PostEvents',
      'taba-aggregator taba.internal.v1.Aggregator/Commit',
    ]);
    const receipt = only(spans, 'taba-gateway', 'taba.v1.Taba/PostEvents');
    expect(receipt.kind).toBe(SERVER);
    expect(receipt.parentSpanId).toBe(caller.spanId);
    expectPostPath(spans, receipt);
  });

  it('a post without a traceparent starts a trace of its own at the gateway', async () => {
    const before = new Set(receiver.spans.map(span => span.traceId));
    const response = await unary<PostEventsResponse__Output>(callback =>
      grpc().postEvents(
        batchOf('trace-root', 'traced-root'),
        { deadline: deadlineIn(5000) },
        callback,
      ),
    );
    expect(response.applied).toBe(3);
    const root = () =>
      receiver.spans.find(
        span =>
          span.name === 'taba.v1.Taba/PostEvents' &&
          span.parentSpanId === '' &&
          !before.has(span.traceId),
      );
    await receiver.waitFor(() => root() !== undefined);
    const receipt = root() as ReceivedSpan;
    const spans = await traceWith(receipt.traceId, [
      'taba-aggregator taba.internal.v1.Aggregator/Commit',
    ]);
    expectPostPath(spans, receipt);
  });

  it('ingest’s unary Ingest takes the traceparent from the call’s metadata (streams carry it per batch)', async () => {
    const caller = callerContext();
    const metadata = new Metadata();
    metadata.set('traceparent', caller.traceparent);
    const ingest = connectIngest(stack().ingest.address);
    try {
      const response = await unary<PostEventsResponse__Output>(callback =>
        ingest.ingest(
          batchOf('trace-unary', 'traced-unary'),
          metadata,
          { deadline: deadlineIn(5000) },
          callback,
        ),
      );
      expect(response.applied).toBe(3);
    } finally {
      ingest.close();
    }
    const spans = await traceWith(caller.traceId, [
      'taba-ingest ingest.batch',
      'taba-aggregator taba.internal.v1.Aggregator/Commit',
    ]);
    const batch = only(spans, 'taba-ingest', 'ingest.batch');
    expect(batch.parentSpanId).toBe(caller.spanId);
    const send = only(spans, 'taba-ingest', 'aggregator.commit');
    expect(send.parentSpanId).toBe(batch.spanId);
    expect(only(spans, 'taba-aggregator', 'taba.internal.v1.Aggregator/Commit').parentSpanId).toBe(
      send.spanId,
    );
  });

  it('a refused batch marks its spans failed with the reason, in ingest and at the gateway', async () => {
    const caller = callerContext();
    const metadata = new Metadata();
    metadata.set('traceparent', caller.traceparent);
    const refused = await unary<PostEventsResponse__Output>(callback =>
      grpc().postEvents(
        batchOf('', 'traced-refused'),
        metadata,
        { deadline: deadlineIn(5000) },
        callback,
      ),
    ).then(
      () => undefined,
      (error: unknown) => error as { code: number },
    );
    expect(refused?.code).toBe(3);
    const spans = await traceWith(caller.traceId, [
      'taba-gateway taba.v1.Taba/PostEvents',
      'taba-ingest ingest.batch',
      'taba-ingest ingest.decode',
    ]);
    for (const [service, name] of [
      ['taba-ingest', 'ingest.decode'],
      ['taba-ingest', 'ingest.batch'],
      ['taba-gateway', 'ingest.forward'],
      ['taba-gateway', 'taba.v1.Taba/PostEvents'],
    ] as const) {
      const span = only(spans, service, name);
      expect([span.statusCode, span.attributes['taba.reason']], name).toEqual([
        2,
        'INVALID_CLIENT_ID',
      ]);
    }
    // Nothing reached the aggregator.
    expect(spans.filter(span => span.service === 'taba-aggregator')).toEqual([]);
  });

  it('a read is one trace from the gateway to the query service’s reads and merge', async () => {
    const caller = callerContext();
    const answer = await fetch(`${stack().restUrl}/v1/tabs?name=traced-rest`, {
      headers: { traceparent: caller.traceparent },
    });
    expect(answer.status).toBe(200);
    const spans = await traceWith(caller.traceId, [
      'taba-gateway GET /v1/tabs',
      'taba-query taba.internal.v1.Query/GetAggregates',
      'taba-query query.read',
      'taba-query query.merge',
    ]);
    const receipt = only(spans, 'taba-gateway', 'GET /v1/tabs');
    expect(receipt.parentSpanId).toBe(caller.spanId);
    const served = only(spans, 'taba-query', 'taba.internal.v1.Query/GetAggregates');
    expect(served.kind).toBe(SERVER);
    expect(served.parentSpanId).toBe(receipt.spanId);
    expect(served.attributes['taba.cache.hit']).toBe(false);
    const resolve = only(spans, 'taba-query', 'query.resolve');
    expect(resolve.parentSpanId).toBe(served.spanId);
    expect(resolve.attributes['taba.tabs']).toBe(1);
    expect(only(spans, 'taba-query', 'query.read').parentSpanId).toBe(served.spanId);
    expect(only(spans, 'taba-query', 'query.merge').parentSpanId).toBe(served.spanId);
  });
});

describe('tracing off', () => {
  /** A lone gateway exporting (or not) to its own receiver; one REST call; then stopped (flushed). */
  async function spansOfGateway(
    tracingEnv: Record<string, string>,
    headers: Record<string, string> = {},
  ): Promise<OtlpReceiver> {
    const own = await startOtlpReceiver();
    const restPort = await freePort();
    const gateway = await startServiceProcess({
      service: 'gateway',
      env: {
        TABA_LOG_LEVEL: 'warn',
        TABA_REST_ADDRESS: `${LOOPBACK}:${restPort}`,
        OTEL_EXPORTER_OTLP_ENDPOINT: own.endpoint,
        ...tracingEnv,
      },
    });
    try {
      const answer = await fetch(`http://${LOOPBACK}:${restPort}/v1/names`, { headers });
      await answer.arrayBuffer();
    } finally {
      // Stopping flushes every span a started SDK holds: after it, what was not sent never will be.
      expect((await gateway.stop('SIGTERM')).code).toBe(0);
    }
    await own.close();
    return own;
  }

  it('exports the gateway’s span when an exporter is configured (the control), and nothing when it is turned off', async () => {
    // The export delay is the default 5 s: the span arrives because the stop flushed it.
    const on = await spansOfGateway({});
    expect(on.spans.map(span => `${span.service} ${span.name}`)).toEqual([
      'taba-gateway GET /v1/names',
    ]);
    expect(on.requests).toEqual({ 'application/x-protobuf': 1 });
    // No query instance to ask: 503, which marks the receipt span failed.
    expect(on.spans[0]?.attributes['http.response.status_code']).toBe(503);
    expect(on.spans[0]?.statusCode).toBe(2);

    const offs: Record<string, string>[] = [
      { OTEL_SDK_DISABLED: 'true' },
      { OTEL_TRACES_EXPORTER: 'none' },
    ];
    for (const off of offs) {
      const quiet = await spansOfGateway(off);
      expect(quiet.requests).toEqual({});
      expect(quiet.spans).toEqual([]);
    }
  });

  it('takes a caller’s traceparent under the default OTEL_PROPAGATORS, and none with none', async () => {
    const caller = callerContext();
    const headers = { traceparent: caller.traceparent };
    const followed = await spansOfGateway({}, headers);
    expect(followed.spans.map(span => [span.traceId, span.parentSpanId])).toEqual([
      [caller.traceId, caller.spanId],
    ]);
    const ignored = await spansOfGateway({ OTEL_PROPAGATORS: 'none' }, headers);
    expect(ignored.spans).toHaveLength(1);
    expect(ignored.spans[0]?.traceId).not.toBe(caller.traceId);
    expect(ignored.spans[0]?.parentSpanId ?? '').toBe('');
  });

  it('refuses an OTEL_* value it cannot honour at start, naming the variable (exit 2)', async () => {
    const gateway = await spawnServiceProcess({
      service: 'gateway',
      env: {
        TABA_REST_ADDRESS: `${LOOPBACK}:0`,
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:4318',
        OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: 'grpc',
      },
    });
    const exit = await gateway.waitForExit(20_000);
    expect(exit.code).toBe(2);
    expect(gateway.stderr()).toBe(
      'gateway: OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: must be one of http/protobuf, http/json, got "grpc"\n',
    );
  });
});
