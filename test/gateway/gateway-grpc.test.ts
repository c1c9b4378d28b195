// The gateway's public gRPC API against real gRPC stand-ins for ingest, query and aggregator.
import type { ServiceError } from '@grpc/grpc-js';
import { Client, credentials, status } from '@grpc/grpc-js';
import type {
  EventBatch,
  InstanceStatus__Output,
  PostEventsResponse,
  StatusResponse__Output,
  TabaClient,
} from '@taba/common';
import { loadTabaProtos, REASON_METADATA_KEY, StaticDiscovery } from '@taba/common';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  connectTaba,
  deadlineIn,
  grpcErrorOf,
  TEST_CHANNEL_OPTIONS,
  unary,
} from '../support/grpc-client.js';
import { useCleanup } from '../support/in-process-service.js';
import type {
  IngestStandIn,
  QueryStandIn,
  StandIn,
  StandInStack,
  TestGateway,
} from './stand-ins.js';
import { startIngestStandIn, startStandInStack, startTestGateway } from './stand-ins.js';

const onCleanup = useCleanup();
const { EventBatch: EventBatchType, PostEventsResponse: PostEventsResponseType } =
  loadTabaProtos().taba.v1;

const BATCH: EventBatch = {
  clientId: 'c1',
  seq: 7,
  tabs: [
    {
      name: 'bid',
      type: 'COUNTER_GROUP',
      values: [0.25, 0.5],
      timestamps: [1_763_800_000, 1_763_800_001],
    },
    { name: 'state', type: 'GAUGE', strings: ['on'] },
  ],
};

let ingest: IngestStandIn;
let query: QueryStandIn;
let aggregator: StandIn;
let gateway: TestGateway;
let client: TabaClient;

let stack: StandInStack;

beforeAll(async () => {
  stack = await startStandInStack(standIns => ({
    TABA_AGGREGATOR_ADDRESSES: `${standIns.aggregator.address},127.0.0.1:1`,
    TABA_MAX_LISTED_REJECTIONS: '3',
  }));
  ({ ingest, query, aggregator, gateway } = stack);
  client = connectTaba(gateway.address);
});

afterAll(async () => {
  client?.close();
  await stack?.stop();
});

beforeEach(() => {
  ingest.raw.length = 0;
  ingest.calls.length = 0;
  ingest.answer = () => ({ applied: 0 });
  query.calls.length = 0;
});

function postEvents(batch: EventBatch, deadline = deadlineIn()) {
  return unary<PostEventsResponse>(callback => client.postEvents(batch, { deadline }, callback));
}

/** Posts raw bytes as PostEvents, as a client with its own encoder would. */
function postRaw(bytes: Buffer): Promise<Buffer> {
  const raw = new Client(gateway.address, credentials.createInsecure(), TEST_CHANNEL_OPTIONS);
  onCleanup(() => raw.close());
  const identity = (value: Buffer) => value;
  return unary<Buffer>(callback =>
    raw.makeUnaryRequest(
      '/taba.v1.Taba/PostEvents',
      identity,
      identity,
      bytes,
      { deadline: deadlineIn() },
      callback,
    ),
  );
}

/** StreamEventsResponse as the client decodes it. */
interface StreamAnswer {
  readonly batches: number;
  readonly applied: number;
  readonly rejectedCount: number;
  readonly duplicates: number;
  readonly rejected: readonly object[];
}

function streamEvents(batches: readonly EventBatch[]) {
  return unary<StreamAnswer>(callback => {
    const call = client.streamEvents({ deadline: deadlineIn() }, callback);
    for (const batch of batches) call.write(batch);
    call.end();
  });
}

describe('PostEvents', () => {
  it('hands ingest the exact bytes the client sent and returns its answer and rejections', async () => {
    ingest.answer = () => ({
      applied: 2,
      rejectedCount: 1,
      rejected: [{ index: 2, tab: 1, event: 0, code: 'LATE', reason: 'too old' }],
    });
    // An unknown field (99) that a decode and re-encode would drop: it must reach ingest.
    const bytes = Buffer.concat([EventBatchType.serialize(BATCH), Buffer.from([0x98, 0x06, 0x01])]);

    const answer = PostEventsResponseType.deserialize(await postRaw(bytes));

    expect(ingest.raw).toHaveLength(1);
    expect(ingest.raw[0]?.equals(bytes)).toBe(true);
    expect(ingest.calls[0]?.request).toMatchObject({ clientId: 'c1', seq: 7 });
    expect(answer).toEqual({
      applied: 2,
      rejectedCount: 1,
      rejected: [{ index: 2, tab: 1, event: 0, code: 'LATE', reason: 'too old', batch: 0 }],
      duplicate: false,
      fencedOlderSession: false,
      fencedSession: 0,
    });
  });

  it("caps the downstream deadline by the caller's", async () => {
    const deadline = deadlineIn(1500);
    await postEvents(BATCH, deadline);
    // The deadline travels as a timeout (grpc-timeout), so allow a few ms of rounding; without
    // the cap it would be TABA_CALL_DEADLINE_MS (30 s) away.
    const forwarded = ingest.calls[0]?.deadline ?? 0;
    expect(forwarded).toBeLessThanOrEqual(deadline.getTime() + 50);
    expect(forwarded).toBeGreaterThan(Date.now());
  });

  it('passes FAILED_PRECONDITION with reason TYPE_CONFLICT through unchanged', async () => {
    ingest.answer = () => ({
      error: {
        code: status.FAILED_PRECONDITION,
        details: 'bid is a CounterGroup, not a Gauge',
        reason: 'TYPE_CONFLICT',
      },
    });

    const failure = await grpcErrorOf(postEvents(BATCH));

    expect(failure.code).toBe(status.FAILED_PRECONDITION);
    expect(failure.details).toBe('bid is a CounterGroup, not a Gauge');
    expect(failure.metadata.get(REASON_METADATA_KEY)).toEqual(['TYPE_CONFLICT']);
  });
});

describe('StreamEvents', () => {
  it('forwards each batch in order and sums the answers, rejections tagged with their batch', async () => {
    ingest.answer = (_batch, index) => ({
      applied: 10 * (index + 1),
      rejectedCount: 2,
      rejected: [
        { index: 0, tab: 0, event: 0, code: 'LATE', reason: `late ${index}` },
        { index: 1, tab: 0, event: 1, code: 'FUTURE', reason: `future ${index}` },
      ],
      duplicate: index === 1,
    });
    const batches = [1, 2, 3].map(seq => ({ ...BATCH, seq }));

    const answer = await streamEvents(batches);

    expect(ingest.calls.map(call => call.request.seq)).toEqual([1, 2, 3]);
    expect(answer).toMatchObject({ batches: 3, applied: 60, rejectedCount: 6, duplicates: 1 });
    // TABA_MAX_LISTED_REJECTIONS=3: three listed, six counted.
    expect(answer.rejected).toEqual([
      { index: 0, tab: 0, event: 0, code: 'LATE', reason: 'late 0', batch: 0 },
      { index: 1, tab: 0, event: 1, code: 'FUTURE', reason: 'future 0', batch: 0 },
      { index: 0, tab: 0, event: 0, code: 'LATE', reason: 'late 1', batch: 1 },
    ]);
  });

  it('ends the call with the status of the first batch that fails', async () => {
    ingest.answer = (_batch, index) =>
      index === 1
        ? {
            error: {
              code: status.INVALID_ARGUMENT,
              details: 'bad client',
              reason: 'INVALID_CLIENT_ID',
            },
          }
        : { applied: 1 };

    const failure = await grpcErrorOf(streamEvents([BATCH, BATCH, BATCH]));

    expect(failure.code).toBe(status.INVALID_ARGUMENT);
    expect(failure.metadata.get(REASON_METADATA_KEY)).toEqual(['INVALID_CLIENT_ID']);
    expect(ingest.calls).toHaveLength(2);
  });

  it('answers zero batches for an empty stream', async () => {
    expect(await streamEvents([])).toMatchObject({ batches: 0, applied: 0, rejected: [] });
  });
});

/** A generated client method called as (request, options, callback). */
type UnaryMethod = (
  request: object,
  options: { deadline: Date },
  callback: (error: ServiceError | null, value?: object) => void,
) => unknown;

describe('query methods', () => {
  const filter = { names: ['a', 'b'], clients: ['x'], regex: false };
  const cases = [
    {
      method: 'GetAggregates',
      call: 'getAggregates',
      request: { filter, mode: 'TEXT' },
      answer: { tabs: [{ name: 'a', type: 'COUNTER_GROUP', body: 'count=1' }] },
    },
    {
      method: 'GetProjections',
      call: 'getProjections',
      request: { filter, mode: 'JSON' },
      answer: {
        tabs: [{ name: 'a', type: 'GAUGE', clients: [{ clientId: 'x', body: '{"value":1}' }] }],
      },
    },
    {
      method: 'GetSuperAggregate',
      call: 'getSuperAggregate',
      request: { filter: { ...filter, regex: true }, mode: 'DETAIL' },
      answer: { type: 'TOTALS_COUNTER', names: ['a', 'b'], body: '{"count":2}' },
    },
    { method: 'ListNames', call: 'listNames', request: { filter }, answer: { names: ['a', 'b'] } },
    {
      method: 'ListClients',
      call: 'listClients',
      request: { filter },
      answer: { clientIds: ['x'] },
    },
    {
      method: 'ListTypes',
      call: 'listTypes',
      request: { filter },
      answer: { types: [{ name: 'h', type: 'HISTOGRAM', bounds: [1, 5] }] },
    },
    { method: 'DeleteTabs', call: 'deleteTabs', request: { filter }, answer: { deleted: ['a'] } },
  ] as const;

  it.each(cases)(
    '$method reaches query with the same request and answers unchanged',
    async testCase => {
      query.answers[testCase.method] = testCase.answer;
      const invoke = (client as unknown as Record<string, UnaryMethod>)[testCase.call]?.bind(
        client,
      );

      const answer = await unary<object>(callback =>
        invoke?.(testCase.request, { deadline: deadlineIn() }, callback),
      );

      expect(query.calls).toHaveLength(1);
      expect(query.calls[0]).toMatchObject({ method: testCase.method, request: testCase.request });
      expect(answer).toMatchObject(testCase.answer);
    },
  );

  it('passes NOT_FOUND and UNIMPLEMENTED through', async () => {
    query.answers.GetSuperAggregate = {
      error: { code: status.NOT_FOUND, details: 'no Tab matches', reason: 'NO_TABS' },
    };
    const notFound = await grpcErrorOf(
      unary(callback => client.getSuperAggregate({}, { deadline: deadlineIn() }, callback)),
    );
    expect(notFound.code).toBe(status.NOT_FOUND);
    expect(notFound.metadata.get(REASON_METADATA_KEY)).toEqual(['NO_TABS']);

    delete query.answers.ListClients;
    const unimplemented = await grpcErrorOf(
      unary(callback => client.listClients({}, { deadline: deadlineIn() }, callback)),
    );
    expect(unimplemented.code).toBe(status.UNIMPLEMENTED);
  });
});

describe('GetStatus', () => {
  it('lists the gateway, then every ingest, query and aggregator instance; an unreachable one with its error', async () => {
    const reply = await unary<StatusResponse__Output>(callback =>
      client.getStatus({}, { deadline: deadlineIn() }, callback),
    );

    const byId = new Map<string, InstanceStatus__Output>(
      reply.instances.map(instance => [instance.instanceId, instance]),
    );
    expect(reply.instances.map(instance => instance.service)).toEqual([
      'gateway',
      'ingest',
      'query',
      'aggregator',
      'aggregator',
    ]);
    expect(reply.instances[0]).toMatchObject({
      instanceId: 'gateway-test-1',
      address: gateway.address,
      details: { discovery: 'static', 'members.ingest': ingest.address },
      metrics: { 'instances.ingest': 1, 'instances.aggregator': 2 },
    });
    expect(reply.instances[0]?.details.rest).toBe(gateway.restUrl.replace('http://', ''));
    expect(byId.get('ingest-1')).toMatchObject({ address: ingest.address, version: 'stand-in' });
    expect(byId.get('query-1')?.address).toBe(query.address);
    expect(byId.get('aggregator-1')?.address).toBe(aggregator.address);
    expect(byId.get('127.0.0.1:1')).toMatchObject({
      service: 'aggregator',
      address: '127.0.0.1:1',
      details: { error: expect.stringMatching(/^UNAVAILABLE: /) },
    });
  });
});

describe('instances going away', () => {
  it('retries on the other ingest instance when one is stopped', async () => {
    const [first, second] = await Promise.all([
      startIngestStandIn('ingest-a'),
      startIngestStandIn('ingest-b'),
    ]);
    onCleanup(() => Promise.all([first.stop(), second.stop()]));
    const twoIngest = await startTestGateway({
      TABA_INGEST_ADDRESSES: `${first.address},${second.address}`,
      TABA_QUERY_ADDRESSES: query.address,
    });
    onCleanup(() => twoIngest.stop());
    const twoClient = connectTaba(twoIngest.address);
    onCleanup(() => twoClient.close());
    second.answer = () => ({ applied: 2 });
    const post = () =>
      unary<PostEventsResponse>(callback =>
        twoClient.postEvents(BATCH, { deadline: deadlineIn() }, callback),
      );

    await post();
    await post();
    expect([first.calls.length, second.calls.length]).toEqual([1, 1]);

    await first.stop();
    const answers = await Promise.all([post(), post(), post(), post()]);

    expect(answers.map(answer => answer.applied)).toEqual([2, 2, 2, 2]);
    expect(second.calls).toHaveLength(5);
    const statusReply = await unary<StatusResponse__Output>(callback =>
      twoClient.getStatus({}, { deadline: deadlineIn() }, callback),
    );
    expect(statusReply.instances[0]?.metrics['retries.ingest']).toBeGreaterThanOrEqual(2);
  });

  it('answers UNAVAILABLE (NO_INSTANCE) when discovery reports no ingest instance', async () => {
    const lonely = await startTestGateway(
      {},
      { discovery: new StaticDiscovery({ query: [query.address] }) },
    );
    onCleanup(() => lonely.stop());
    const lonelyClient = connectTaba(lonely.address);
    onCleanup(() => lonelyClient.close());

    const failure: ServiceError = await grpcErrorOf(
      unary(callback => lonelyClient.postEvents(BATCH, { deadline: deadlineIn() }, callback)),
    );

    expect(failure.code).toBe(status.UNAVAILABLE);
    expect(failure.metadata.get(REASON_METADATA_KEY)).toEqual(['NO_INSTANCE']);
  });
});
