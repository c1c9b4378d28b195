import type { Env, ServiceBaseConfig } from '@taba/common';
import {
  ConfigError,
  DEFAULT_GRPC_ADDRESSES,
  loadServiceBaseConfig,
  readAddress,
  readBoolean,
  largestBatchBytes,
  readBatchShape,
  readInteger,
  readList,
} from '@taba/common';
import type { AuthConfig } from './auth/auth-config.js';
import { loadAuthConfig } from './auth/auth-config.js';
import type { RestLimits } from './rest/routes.js';
import type { RestCapacity } from './rest/server.js';

/** Where the REST/JSON bridge listens unless TABA_REST_ADDRESS says otherwise. */
export const DEFAULT_REST_ADDRESS = '127.0.0.1:8300';

/** Longest a forwarded call may take unless the caller's own deadline is sooner, ms. */
export const DEFAULT_CALL_DEADLINE_MS = 30_000;

/** Largest REST request body, bytes (16 MiB). */
export const DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024;

/** Most rejections a StreamEvents answer lists (the count is always exact). */
export const DEFAULT_MAX_LISTED_REJECTIONS = 1000;

/** The gateway's configuration, read once from the environment at start-up and frozen. */
export interface GatewayConfig {
  /**
   * What every service reads the same way: TABA_INSTANCE_ID, TABA_GRPC_ADDRESS,
   * TABA_LOG_LEVEL, TABA_SHUTDOWN_GRACE_MS, TABA_MAX_MESSAGE_BYTES.
   * @default gRPC on '127.0.0.1:8301', log level 'info', 5000 ms grace, 64 MiB messages
   */
  readonly base: ServiceBaseConfig;
  /**
   * `host:port` of the REST/JSON bridge (TABA_REST_ADDRESS); port 0 picks a free port.
   * @default '127.0.0.1:8300'
   */
  readonly restAddress: string;
  /** Ingest instances for static discovery (TABA_INGEST_ADDRESSES, comma list). @default ['127.0.0.1:8310'] */
  readonly ingestAddresses: readonly string[];
  /** Query instances for static discovery (TABA_QUERY_ADDRESSES). @default ['127.0.0.1:8330'] */
  readonly queryAddresses: readonly string[];
  /** Aggregator instances, asked for their status only (TABA_AGGREGATOR_ADDRESSES). @default ['127.0.0.1:8320'] */
  readonly aggregatorAddresses: readonly string[];
  /**
   * Deadline of every call to ingest or query (TABA_CALL_DEADLINE_MS); the caller's own
   * deadline wins when it is sooner. @default 30000
   */
  readonly callDeadlineMs: number;
  /**
   * Post batches to ingest over one long-lived stream per instance instead of a unary call
   * each (TABA_INGEST_STREAMS): grpc-js spends ~2.5x less CPU per byte on a stream. An
   * instance without the stream method is served by unary calls. @default true
   */
  readonly ingestStreams: boolean;
  /**
   * Streams per ingest instance, taken in turn (TABA_INGEST_STREAM_COUNT): each HTTP/2 stream has
   * its own 64 KiB flow-control window on a grpc-js server, so one alone caps the bytes in flight.
   * @default 8
   */
  readonly ingestStreamCount: number;
  /**
   * Batch bytes forwarded to ingest and not yet answered (TABA_GATEWAY_MAX_INFLIGHT_BYTES); beyond
   * it a post is refused at once with RESOURCE_EXHAUSTED (OVERLOADED, HTTP 429) and the client
   * retries later, so memory stays bounded under overload. @default 134217728 (128 MiB)
   */
  readonly maxInflightBytes: number;
  /** Largest REST request body, bytes (TABA_MAX_BODY_BYTES); larger ones get 413. @default 16777216 */
  readonly maxBodyBytes: number;
  /** Most rejections a StreamEvents answer lists (TABA_MAX_LISTED_REJECTIONS). @default 1000 */
  readonly maxListedRejections: number;
  /** Bearer tokens and scopes (TABA_AUTH, TABA_AUTH_TOKENS_FILE). @default off */
  readonly auth: AuthConfig;
  /**
   * What one REST request may carry besides its bytes: TABA_EVENTS_MAX_BODY_BYTES (the largest
   * legal batch, 6 MiB with the default batch limits), TABA_POST_MAX_CLIENTS (1000),
   * TABA_MAX_BATCH_EVENTS (100000).
   */
  readonly restLimits: RestLimits;
  /**
   * TABA_REST_MAX_CONNECTIONS (1024), TABA_REST_MAX_INFLIGHT_REQUESTS (256),
   * TABA_REST_MAX_INFLIGHT_BODY_BYTES (67108864),
   * TABA_REST_MAX_HEADER_BYTES (16384), TABA_REST_HEADERS_TIMEOUT_MS (10000),
   * TABA_REST_REQUEST_TIMEOUT_MS (120000).
   */
  readonly restCapacity: RestCapacity;
}

/** A comma list of `host:port` addresses; every item is checked like a listen address. */
function readAddressList(env: Env, name: string, fallback: string): readonly string[] {
  const list = readList(env, name, [fallback]);
  for (const item of list) {
    try {
      readAddress({ [name]: item }, name, item);
    } catch (error) {
      if (error instanceof ConfigError) {
        throw new ConfigError(name, `every item must be host:port, got "${item}"`);
      }
      throw error;
    }
  }
  return Object.freeze(list);
}

function readRestLimits(env: Env): RestLimits {
  const shape = readBatchShape(env);
  return Object.freeze({
    maxEventsBodyBytes: readInteger(env, 'TABA_EVENTS_MAX_BODY_BYTES', largestBatchBytes(shape), {
      min: 1,
      max: 2 ** 31 - 1,
    }),
    maxPostClients: readInteger(env, 'TABA_POST_MAX_CLIENTS', 1000, { min: 1, max: 1_000_000 }),
    maxBatchEvents: shape.maxBatchEvents,
  });
}

function readRestCapacity(env: Env): RestCapacity {
  const requestTimeoutMs = readInteger(env, 'TABA_REST_REQUEST_TIMEOUT_MS', 120_000, {
    min: 100,
    max: 3_600_000,
  });
  const headersTimeoutMs = readInteger(env, 'TABA_REST_HEADERS_TIMEOUT_MS', 10_000, {
    min: 100,
    max: 3_600_000,
  });
  if (headersTimeoutMs > requestTimeoutMs) {
    throw new ConfigError(
      'TABA_REST_HEADERS_TIMEOUT_MS',
      `must be at most TABA_REST_REQUEST_TIMEOUT_MS (${requestTimeoutMs}), got ${headersTimeoutMs}`,
    );
  }
  return Object.freeze({
    maxConnections: readInteger(env, 'TABA_REST_MAX_CONNECTIONS', 1024, { min: 1, max: 1_000_000 }),
    maxInflightRequests: readInteger(env, 'TABA_REST_MAX_INFLIGHT_REQUESTS', 256, {
      min: 1,
      max: 1_000_000,
    }),
    maxInflightBodyBytes: readInteger(env, 'TABA_REST_MAX_INFLIGHT_BODY_BYTES', 64 * 1024 * 1024, {
      min: 1024,
      max: 2 ** 40,
    }),
    maxHeaderBytes: readInteger(env, 'TABA_REST_MAX_HEADER_BYTES', 16_384, {
      min: 1024,
      max: 1_048_576,
    }),
    headersTimeoutMs,
    requestTimeoutMs,
  });
}

/** Reads the gateway's configuration; throws ConfigError naming the first bad variable. */
export function loadConfig(env: Env): GatewayConfig {
  return Object.freeze({
    base: loadServiceBaseConfig(env, 'gateway'),
    restAddress: readAddress(env, 'TABA_REST_ADDRESS', DEFAULT_REST_ADDRESS),
    ingestAddresses: readAddressList(env, 'TABA_INGEST_ADDRESSES', DEFAULT_GRPC_ADDRESSES.ingest),
    queryAddresses: readAddressList(env, 'TABA_QUERY_ADDRESSES', DEFAULT_GRPC_ADDRESSES.query),
    aggregatorAddresses: readAddressList(
      env,
      'TABA_AGGREGATOR_ADDRESSES',
      DEFAULT_GRPC_ADDRESSES.aggregator,
    ),
    callDeadlineMs: readInteger(env, 'TABA_CALL_DEADLINE_MS', DEFAULT_CALL_DEADLINE_MS, {
      min: 1,
      max: 3_600_000,
    }),
    ingestStreams: readBoolean(env, 'TABA_INGEST_STREAMS', true),
    ingestStreamCount: readInteger(env, 'TABA_INGEST_STREAM_COUNT', 8, { min: 1, max: 256 }),
    maxInflightBytes: readInteger(env, 'TABA_GATEWAY_MAX_INFLIGHT_BYTES', 128 * 1024 * 1024, {
      min: 1024,
      max: 2 ** 40,
    }),
    maxBodyBytes: readInteger(env, 'TABA_MAX_BODY_BYTES', DEFAULT_MAX_BODY_BYTES, {
      min: 1,
      max: 2 ** 31 - 1,
    }),
    maxListedRejections: readInteger(
      env,
      'TABA_MAX_LISTED_REJECTIONS',
      DEFAULT_MAX_LISTED_REJECTIONS,
      { min: 0, max: 1_000_000 },
    ),
    auth: loadAuthConfig(env),
    restLimits: readRestLimits(env),
    restCapacity: readRestCapacity(env),
  });
}
