// A real gRPC server on 127.0.0.1:0 implementing taba.v1.Taba with fixed answers, recording
// every request: what the CLI's query, post and delete commands talk to in these tests.
import type { ServerUnaryCall, sendUnaryData } from '@grpc/grpc-js';
import { Metadata, Server, ServerCredentials, status } from '@grpc/grpc-js';
import type { EventBatch__Output, TabaHandlers } from '@taba/common';
import { loadTabaProtos, REASON_METADATA_KEY } from '@taba/common';

export interface RecordedCall {
  readonly method: string;
  readonly request: unknown;
}

export interface FakeGateway {
  readonly address: string;
  readonly calls: RecordedCall[];
  /** The requests of `method` whose JSON mentions `marker` (tests run side by side). */
  requestsOf(method: string, marker: string): unknown[];
  stop(): void;
}

/** Epoch seconds every fixed status answer reports as its start. */
export const STARTED_AT = 1_700_000_000.5;

const AGGREGATE_JSON = {
  requests: '{"1m":{"count":3,"total":6,"average":2},"lifetime":{"count":3}}',
  latency: '{"1m":{"count":1,"total":12.5,"percentiles":{"p50":12.5}}}',
};
const AGGREGATE_TEXT = {
  requests: '1m.count=3 1m.total=6 1m.average=2 lifetime.count=3',
  latency: '1m.count=1 1m.total=12.5 1m.percentiles.p50=12.5',
};
const AGGREGATE_DETAIL = {
  requests: '{"1m":{"count":3},"series":{"1m":[[1700000040,3,6]]}}',
  latency: '{"1m":{"count":1},"series":{"1m":[[1700000040,1,12.5]]}}',
};

type Names = keyof typeof AGGREGATE_JSON;

function bodies(mode: string): Record<Names, string> {
  if (mode === 'TEXT') return AGGREGATE_TEXT;
  if (mode === 'DETAIL') return AGGREGATE_DETAIL;
  return AGGREGATE_JSON;
}

/** An answer that is a gRPC error. */
class Refusal {
  constructor(readonly error: { code: status; details: string; metadata: Metadata }) {}
}

function invalidRegex(details: string): Refusal {
  const metadata = new Metadata();
  metadata.set(REASON_METADATA_KEY, 'INVALID_REGEX');
  return new Refusal({ code: status.INVALID_ARGUMENT, details, metadata });
}

type Unary<Request, Response> = (
  call: ServerUnaryCall<Request, Response>,
  callback: sendUnaryData<Response>,
) => void;

export async function startFakeGateway(): Promise<FakeGateway> {
  const calls: RecordedCall[] = [];
  const record =
    <Request, Response>(
      method: string,
      answer: (request: Request) => Response | Refusal,
    ): Unary<Request, Response> =>
    (call, callback) => {
      calls.push({ method, request: call.request });
      const outcome = answer(call.request);
      if (outcome instanceof Refusal) callback(outcome.error);
      else callback(null, outcome);
    };

  const handlers: Omit<TabaHandlers, 'StreamEvents'> = {
    GetAggregates: record('GetAggregates', request => {
      if (request.filter?.regex && request.filter.names.includes('(')) {
        return invalidRegex('invalid regular expression "(": missing )');
      }
      const rendered = bodies(request.mode);
      return {
        tabs: [
          { name: 'requests', type: 'COUNTER_GROUP', body: rendered.requests },
          { name: 'latency', type: 'PERCENTILE_GROUP', body: rendered.latency },
        ],
      };
    }),
    GetProjections: record('GetProjections', request => ({
      tabs: [
        {
          name: 'version',
          type: 'GAUGE',
          clients: [
            {
              clientId: 'web-1',
              body:
                request.mode === 'TEXT'
                  ? 'value=v1 timestamp=1700000000 expires=1700172800'
                  : '{"value":"v1","timestamp":1700000000,"expires":1700172800}',
            },
            {
              clientId: 'web-2',
              body:
                request.mode === 'TEXT'
                  ? 'value=v2 timestamp=1700000001 expires=1700172801'
                  : '{"value":"v2","timestamp":1700000001,"expires":1700172801}',
            },
          ],
        },
      ],
    })),
    GetSuperAggregate: record('GetSuperAggregate', request => ({
      type: 'TOTALS_COUNTER',
      names: ['requests.api', 'requests.web'],
      body:
        request.mode === 'TEXT'
          ? 'count=5 total=9 average=1.8'
          : '{"count":5,"total":9,"average":1.8}',
    })),
    ListNames: record('ListNames', () => ({ names: ['latency', 'requests'] })),
    ListClients: record('ListClients', () => ({ clientIds: ['web-1', 'web-2'] })),
    ListTypes: record('ListTypes', () => ({
      types: [
        { name: 'requests', type: 'COUNTER_GROUP', bounds: [] },
        { name: 'sizes', type: 'HISTOGRAM', bounds: [1, 5, 10] },
      ],
    })),
    GetStatus: record('GetStatus', () => ({
      instances: [
        {
          service: 'gateway',
          instanceId: 'gateway-test-1',
          address: '127.0.0.1:8301',
          startedAt: STARTED_AT,
          version: '0.1.0',
          metrics: { 'events.applied': 42 },
          details: { discovery: 'static' },
        },
      ],
    })),
    PostEvents: record('PostEvents', (request: EventBatch__Output) => {
      const rejected = request.tabs.some(tab => tab.name === 'too-late');
      return rejected
        ? {
            applied: 0,
            rejectedCount: 1,
            rejected: [
              {
                index: 0,
                tab: 0,
                event: 0,
                code: 'LATE',
                reason: 'timestamp is 90000s old; the limit is 86400s',
              },
            ],
            duplicate: false,
          }
        : { applied: 1, rejectedCount: 0, rejected: [], duplicate: false };
    }),
    DeleteTabs: record('DeleteTabs', request => ({ deleted: request.filter?.names ?? [] })),
  };

  const server = new Server();
  server.addService(loadTabaProtos().taba.v1.Taba.service, handlers);
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    );
  });
  return {
    address: `127.0.0.1:${port}`,
    calls,
    requestsOf: (method, marker) =>
      calls
        .filter(call => call.method === method && JSON.stringify(call.request).includes(marker))
        .map(call => call.request),
    stop: () => server.forceShutdown(),
  };
}
