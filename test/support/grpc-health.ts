import type { ChannelCredentials, ChannelOptions, ServiceError } from '@grpc/grpc-js';
import { Client, credentials, status } from '@grpc/grpc-js';
import type { MethodDefinition } from '@grpc/proto-loader';
import { loadSync } from '@grpc/proto-loader';
import { protoPath } from 'grpc-health-check';
import { deadlineIn, TEST_CALL_TIMEOUT_MS, TEST_CHANNEL_OPTIONS } from './grpc-client.js';
import { pollUntil } from './poll.js';

const SERVING_STATUSES = ['UNKNOWN', 'SERVING', 'NOT_SERVING', 'SERVICE_UNKNOWN'] as const;

/** `grpc.health.v1.HealthCheckResponse.ServingStatus`, as the enum's name. */
export type ServingStatus = (typeof SERVING_STATUSES)[number];

interface HealthCheckRequest {
  readonly service: string;
}

type HealthMethod = MethodDefinition<object, object>;

let methods: { readonly check: HealthMethod; readonly watch: HealthMethod } | undefined;

/** Check and Watch of grpc.health.v1.Health, from grpc-health-check's own proto (loaded once). */
function healthMethods(): { readonly check: HealthMethod; readonly watch: HealthMethod } {
  if (methods) return methods;
  const definition = loadSync(protoPath, { keepCase: true, enums: String, defaults: true });
  const service = definition['grpc.health.v1.Health'];
  if (service === undefined || 'format' in service) {
    throw new Error(`grpc.health.v1.Health is not a service in ${protoPath}`);
  }
  const { Check: check, Watch: watch } = service;
  if (!check || !watch) throw new Error(`grpc.health.v1.Health lacks Check or Watch`);
  methods = { check, watch };
  return methods;
}

function isServingStatus(value: unknown): value is ServingStatus {
  return SERVING_STATUSES.some(known => known === value);
}

/** Reads `status` off a decoded HealthCheckResponse, refusing anything unexpected. */
function servingStatusOf(response: object): ServingStatus {
  const value = 'status' in response ? response.status : undefined;
  if (!isServingStatus(value)) throw new Error(`unexpected health status: ${String(value)}`);
  return value;
}

/** A running Watch: the statuses seen so far, in order. */
export interface HealthWatch {
  readonly statuses: readonly ServingStatus[];
  /** How the stream failed, unless it is still open or was cancelled by `cancel()`. */
  readonly error: () => ServiceError | undefined;
  /** Ends the stream from the client side (the server sees CANCELLED). */
  cancel(): void;
}

/** A typed client of the standard gRPC health service. */
export interface HealthClient {
  /** Health/Check: '' is the whole server. Rejects with the ServiceError (e.g. NOT_FOUND, UNAVAILABLE). */
  check(service?: string, timeoutMs?: number): Promise<ServingStatus>;
  /** Health/Watch: records every status the server sends until cancelled or the stream ends. */
  watch(service?: string): HealthWatch;
  close(): void;
}

/** Connects (lazily; plaintext unless `channelCredentials` say otherwise) to `address` (`host:port`). */
export function createHealthClient(
  address: string,
  options: ChannelOptions = TEST_CHANNEL_OPTIONS,
  channelCredentials: ChannelCredentials = credentials.createInsecure(),
): HealthClient {
  const { check, watch } = healthMethods();
  const client = new Client(address, channelCredentials, options);
  const decode = (method: HealthMethod) => (bytes: Buffer) =>
    servingStatusOf(method.responseDeserialize(bytes));
  return {
    check(service = '', timeoutMs = TEST_CALL_TIMEOUT_MS) {
      return new Promise((resolve, reject) => {
        client.makeUnaryRequest<HealthCheckRequest, ServingStatus>(
          check.path,
          check.requestSerialize,
          decode(check),
          { service },
          { deadline: deadlineIn(timeoutMs) },
          (error: ServiceError | null, value?: ServingStatus) => {
            if (error) reject(error);
            else if (value === undefined) reject(new Error('Health/Check ended without a reply'));
            else resolve(value);
          },
        );
      });
    },
    watch(service = '') {
      const statuses: ServingStatus[] = [];
      const stream = client.makeServerStreamRequest<HealthCheckRequest, ServingStatus>(
        watch.path,
        watch.requestSerialize,
        decode(watch),
        { service },
      );
      let failure: ServiceError | undefined;
      stream.on('data', (value: ServingStatus) => statuses.push(value));
      // The stream ends in an error when cancelled or when the server goes away; keep it for
      // the test to inspect, since an unhandled 'error' event would crash the test worker.
      stream.on('error', (error: ServiceError) => {
        if (error.code !== status.CANCELLED) failure = error;
      });
      return { statuses, error: () => failure, cancel: () => stream.cancel() };
    },
    close: () => client.close(),
  };
}

/** How `waitUntilServing` waits. */
export interface WaitUntilServingOptions {
  /** The service whose status counts; '' is the whole server. @default '' */
  readonly service?: string;
  /** Overall bound, ms. @default 15000 */
  readonly timeoutMs?: number;
  /** Pause between checks, ms. @default 50 */
  readonly intervalMs?: number;
  /** Gives up at once with the signal's reason, e.g. when the server's process exited. */
  readonly signal?: AbortSignal;
  /** How to dial (a TLS server needs TLS). @default plaintext */
  readonly credentials?: ChannelCredentials;
}

/** Polls Health/Check at `address` until it answers SERVING; bounded by `timeoutMs`. */
export async function waitUntilServing(
  address: string,
  options: WaitUntilServingOptions = {},
): Promise<void> {
  const { service = '', timeoutMs = 15_000, intervalMs = 50, signal } = options;
  const health = createHealthClient(address, TEST_CHANNEL_OPTIONS, options.credentials);
  try {
    await pollUntil(
      async () => {
        const current = await health.check(service, Math.min(1000, timeoutMs));
        if (current !== 'SERVING') throw new Error(`health is ${current}`);
        return current;
      },
      {
        what: `${address} to report SERVING`,
        timeoutMs,
        intervalMs,
        ...(signal ? { signal } : {}),
      },
    );
  } finally {
    health.close();
  }
}
