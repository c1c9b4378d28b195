// Real gRPC servers on 127.0.0.1:0 standing in for ingest, query and aggregator: they record
// what the gateway sends and answer what the test says. Plus a gateway started in-process.
import type {
  Deadline,
  Server,
  ServerUnaryCall,
  ServiceDefinition,
  sendUnaryData,
  UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { Metadata, status } from '@grpc/grpc-js';
import type {
  Env,
  EventBatch__Output,
  InstanceStatus,
  PostEventsResponse,
  RunningService,
} from '@taba/common';
import {
  bindServer,
  createGrpcServer,
  createLogger,
  loadTabaProtos,
  REASON_METADATA_KEY,
  startService,
} from '@taba/common';
import type { GatewayConfig } from '../../services/gateway/src/config.js';
import { loadConfig } from '../../services/gateway/src/config.js';
import type { GatewayDependencies, GatewayService } from '../../services/gateway/src/server.js';
import { createGatewayService } from '../../services/gateway/src/server.js';
import { testEnv } from '../support/in-process-service.js';

/** An error a stand-in answers: a gRPC status, with a `taba-reason` when given. */
export interface StandInError {
  readonly code: status;
  readonly details: string;
  readonly reason?: string;
}

/** Either a response or an error, decided per call. */
export type Answer<T> = T | { readonly error: StandInError };

function isError<T>(answer: Answer<T>): answer is { readonly error: StandInError } {
  return typeof answer === 'object' && answer !== null && 'error' in answer;
}

function reply<T>(callback: sendUnaryData<T>, answer: Answer<T>): void {
  if (!isError(answer)) {
    callback(null, answer);
    return;
  }
  const metadata = new Metadata();
  if (answer.error.reason) metadata.set(REASON_METADATA_KEY, answer.error.reason);
  callback({ code: answer.error.code, details: answer.error.details, metadata });
}

interface Recorded<T> {
  readonly request: T;
  /** The deadline the gateway set, epoch ms (Infinity: none). */
  readonly deadline: number;
}

function deadlineMs(deadline: Deadline): number {
  return deadline instanceof Date ? deadline.getTime() : deadline;
}

/** A stand-in server: its address and how to stop it (idempotent, immediate). */
export interface StandIn {
  readonly name: string;
  readonly address: string;
  stop(): Promise<void>;
}

async function serve(
  name: string,
  definition: ServiceDefinition,
  handlers: UntypedServiceImplementation,
): Promise<StandIn> {
  const server: Server = createGrpcServer();
  server.addService(definition, handlers);
  const port = await bindServer(server, '127.0.0.1:0');
  let stopped: Promise<void> | undefined;
  return {
    name,
    address: `127.0.0.1:${port}`,
    stop() {
      // tryShutdown closes open connections too (GOAWAY); forceShutdown alone does not while
      // channelz is off (grpc-js 1.14 tracks sessions for it only with channelz on).
      stopped ??= new Promise<void>(resolve => {
        const force = setTimeout(() => {
          server.forceShutdown();
          resolve();
        }, 1000);
        server.tryShutdown(() => {
          clearTimeout(force);
          resolve();
        });
      });
      return stopped;
    },
  };
}

function instanceStatus(service: string, name: string, address: string): InstanceStatus {
  return {
    service,
    instanceId: name,
    address,
    startedAt: 1_763_800_000,
    version: 'stand-in',
    metrics: { calls: 1 },
    details: {},
  };
}

export interface IngestStandIn extends StandIn {
  /** The exact bytes of every Ingest request, in arrival order. */
  readonly raw: Buffer[];
  /** The same requests, decoded, with the deadline each had. */
  readonly calls: Recorded<EventBatch__Output>[];
  /** What the next calls answer; called with the batch and its position (from 0). */
  answer: (batch: EventBatch__Output, index: number) => Answer<PostEventsResponse>;
}

/** A `taba.internal.v1.Ingest` that records each batch and answers `answer(batch, i)`. */
export async function startIngestStandIn(name = 'ingest-1'): Promise<IngestStandIn> {
  const { Ingest } = loadTabaProtos().taba.internal.v1;
  const method = Ingest.service.Ingest;
  const raw: Buffer[] = [];
  const calls: Recorded<EventBatch__Output>[] = [];
  const definition: ServiceDefinition = {
    ...Ingest.service,
    Ingest: {
      ...method,
      requestDeserialize: (bytes: Buffer) => {
        raw.push(Buffer.from(bytes));
        return method.requestDeserialize(bytes);
      },
    },
  };
  const standIn: IngestStandIn = Object.assign(
    {},
    {
      raw,
      calls,
      answer: (): Answer<PostEventsResponse> => ({ applied: 0 }),
    },
    await serve(name, definition, {
      Ingest: (
        call: ServerUnaryCall<EventBatch__Output, unknown>,
        callback: sendUnaryData<PostEventsResponse>,
      ) => {
        const index = calls.length;
        calls.push({ request: call.request, deadline: deadlineMs(call.getDeadline()) });
        reply(callback, standIn.answer(call.request, index));
      },
      GetStatus: (_call: unknown, callback: sendUnaryData<InstanceStatus>) =>
        callback(null, instanceStatus('ingest', name, standIn.address)),
    }),
  );
  return standIn;
}

/** The methods of `taba.internal.v1.Query` the gateway forwards. */
export type QueryStandInMethod =
  | 'GetAggregates'
  | 'GetProjections'
  | 'GetSuperAggregate'
  | 'ListNames'
  | 'ListClients'
  | 'ListTypes'
  | 'DeleteTabs';

export interface QueryStandIn extends StandIn {
  /** Every call: method, decoded request, deadline. */
  readonly calls: (Recorded<unknown> & { readonly method: string })[];
  /** The fixed answer of each method; a method without one answers UNIMPLEMENTED. */
  readonly answers: Partial<Record<QueryStandInMethod, Answer<object>>>;
}

/** A `taba.internal.v1.Query` that records each call and answers from `answers`. */
export async function startQueryStandIn(name = 'query-1'): Promise<QueryStandIn> {
  const { Query } = loadTabaProtos().taba.internal.v1;
  const calls: QueryStandIn['calls'] = [];
  const answers: QueryStandIn['answers'] = {};
  const methods: QueryStandInMethod[] = [
    'GetAggregates',
    'GetProjections',
    'GetSuperAggregate',
    'ListNames',
    'ListClients',
    'ListTypes',
    'DeleteTabs',
  ];
  const handlers: UntypedServiceImplementation = {};
  for (const method of methods) {
    handlers[method] = (
      call: ServerUnaryCall<unknown, unknown>,
      callback: sendUnaryData<object>,
    ) => {
      calls.push({ method, request: call.request, deadline: deadlineMs(call.getDeadline()) });
      const answer = answers[method];
      if (answer === undefined) {
        callback({ code: status.UNIMPLEMENTED, details: `${method} is not implemented` });
      } else {
        reply(callback, answer);
      }
    };
  }
  let address = '';
  handlers.GetStatus = (_call: unknown, callback: sendUnaryData<InstanceStatus>) =>
    callback(null, instanceStatus('query', name, address));
  const standIn = await serve(name, Query.service, handlers);
  address = standIn.address;
  return Object.assign({}, standIn, { calls, answers });
}

/** A `taba.internal.v1.Aggregator` serving GetStatus only. */
export async function startAggregatorStandIn(name = 'aggregator-1'): Promise<StandIn> {
  const { Aggregator } = loadTabaProtos().taba.internal.v1;
  let address = '';
  const standIn = await serve(name, Aggregator.service, {
    GetStatus: (_call: unknown, callback: sendUnaryData<InstanceStatus>) =>
      callback(null, instanceStatus('aggregator', name, address)),
  });
  address = standIn.address;
  return standIn;
}

/** A gateway started in-process with `startService`, gRPC and REST on 127.0.0.1:0. */
export interface TestGateway {
  readonly config: GatewayConfig;
  readonly running: RunningService;
  /** `127.0.0.1:<port>` of the gRPC server. */
  readonly address: string;
  /** `http://127.0.0.1:<port>` of the REST bridge. */
  readonly restUrl: string;
  stop(): Promise<void>;
}

/**
 * Starts the gateway (silent logs, REST on a free port) with `env` on top of the test
 * environment, e.g. TABA_INGEST_ADDRESSES pointing at stand-ins.
 */
export async function startTestGateway(
  env: Env,
  dependencies?: GatewayDependencies,
): Promise<TestGateway> {
  const config = loadConfig({
    ...testEnv('gateway'),
    TABA_REST_ADDRESS: '127.0.0.1:0',
    ...env,
  });
  const logger = createLogger({ service: 'gateway', level: config.base.logLevel });
  let built: GatewayService | undefined;
  const running = await startService(config.base, logger, async context => {
    built = await createGatewayService(config, context, dependencies);
    return built;
  });
  if (built === undefined) throw new Error('the gateway was not built');
  return {
    config,
    running,
    address: running.address,
    restUrl: `http://${built.restAddress}`,
    stop: () => running.stop(),
  };
}

/** Ingest, query and aggregator stand-ins with a gateway wired to them. */
export interface StandInStack {
  readonly ingest: IngestStandIn;
  readonly query: QueryStandIn;
  readonly aggregator: StandIn;
  readonly gateway: TestGateway;
  stop(): Promise<void>;
}

/**
 * Starts the three stand-ins, then a gateway pointed at them, with `env` on top (a function of
 * the stand-ins, to list extra instances).
 */
export async function startStandInStack(
  env: (standIns: { aggregator: StandIn }) => Env = () => ({}),
): Promise<StandInStack> {
  const [ingest, query, aggregator] = await Promise.all([
    startIngestStandIn(),
    startQueryStandIn(),
    startAggregatorStandIn(),
  ]);
  const gateway = await startTestGateway({
    TABA_INGEST_ADDRESSES: ingest.address,
    TABA_QUERY_ADDRESSES: query.address,
    TABA_AGGREGATOR_ADDRESSES: aggregator.address,
    ...env({ aggregator }),
  });
  return {
    ingest,
    query,
    aggregator,
    gateway,
    async stop() {
      await gateway.stop();
      await Promise.all([ingest, query, aggregator].map(standIn => standIn.stop()));
    },
  };
}
