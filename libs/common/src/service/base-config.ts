import { hostname } from 'node:os';
import type { Env } from '../config/env-readers.js';
import {
  ConfigError,
  readAddress,
  readBoolean,
  readChoice,
  readInteger,
  readOptionalString,
  readString,
} from '../config/env-readers.js';
import { largestBatchBytes, readBatchShape } from '../config/batch-shape.js';
import { splitHostPort } from '../discovery/consul-health.js';
import type { DiscoveryConfig } from '../discovery/discovery-config.js';
import { loadDiscoveryConfig } from '../discovery/discovery-config.js';
import type { LogLevel } from '../logging/logger.js';
import { LOG_LEVELS } from '../logging/logger.js';
import { readInternalTokens } from './internal-token.js';
import type { TlsConfig } from '../tls/tls-config.js';
import { loadTlsConfig } from '../tls/tls-config.js';

/** What every service reads the same way. */
export interface ServiceBaseConfig {
  /** The service's name: gateway, ingest, aggregator or query. */
  readonly service: ServiceName;
  /** Unique per running instance; the discovery id. @default `<service>-<host>-<pid>` */
  readonly instanceId: string;
  /** gRPC listen address (TABA_GRPC_ADDRESS); port 0 picks a free port. */
  readonly grpcAddress: string;
  /**
   * `host:port` peers dial to reach this instance (TABA_ADVERTISE_ADDRESS), as registered in
   * discovery. Unset: the bound address (TABA_GRPC_ADDRESS with the port the system chose).
   * Required with Consul when TABA_GRPC_ADDRESS listens on every interface (0.0.0.0, ::).
   */
  readonly advertiseAddress?: string;
  /** How this instance finds its peers and is found: TABA_DISCOVERY, TABA_CONSUL_*. */
  readonly discovery: DiscoveryConfig;
  /** TABA_LOG_LEVEL. @default 'info' */
  readonly logLevel: LogLevel;
  /** How long shutdown waits for calls in flight before cancelling them (TABA_SHUTDOWN_GRACE_MS). @default 5000 */
  readonly shutdownGraceMs: number;
  /**
   * Largest gRPC request this service takes (TABA_MAX_MESSAGE_BYTES), checked before decoding.
   * @default the largest legal batch ({@link largestBatchBytes}, 6 MiB with the default batch
   * limits); ingest 1 KiB more (the gateway's stream envelope); the aggregator, which takes a
   * batch's Commit, 16 times that (96 MiB)
   */
  readonly maxMessageBytes: number;
  /**
   * The cluster's shared internal tokens (TABA_INTERNAL_TOKEN or TABA_INTERNAL_TOKEN_FILE):
   * internal services take calls only with one of them, and the gateway and ingest present the
   * first. More than one only while a token is rotated.
   * @default unset: no check
   */
  readonly internalTokens?: readonly string[];
  /** Largest gRPC answer sent or taken (TABA_MAX_RESPONSE_BYTES). @default 67108864 */
  readonly maxResponseBytes: number;
  /** TLS of this instance's servers and of the channels it opens: TABA_TLS_*. @default plaintext */
  readonly tls: TlsConfig;
  /**
   * Where `GET /metrics` (Prometheus) is served (TABA_METRICS_ADDRESS; `off` or unset: not
   * served by the runner). @default {@link DEFAULT_METRICS_ADDRESSES}; the gateway serves it
   * on its REST port instead
   */
  readonly metricsAddress?: string;
  /** gRPC server reflection (TABA_GRPC_REFLECTION). @default on for the gateway, off for the others */
  readonly grpcReflection?: boolean;
}

/**
 * Default `/metrics` listen addresses (the Prometheus exporter range, 9464–9467); the gateway
 * has none: it answers `/metrics` on its REST port.
 */
export const DEFAULT_METRICS_ADDRESSES = {
  gateway: 'off',
  ingest: '127.0.0.1:9465',
  aggregator: '127.0.0.1:9466',
  query: '127.0.0.1:9467',
} as const;

function readMetricsAddress(env: Env, service: ServiceName): string | undefined {
  const fallback = DEFAULT_METRICS_ADDRESSES[service];
  if (readString(env, 'TABA_METRICS_ADDRESS', fallback).toLowerCase() === 'off') return undefined;
  return readAddress(env, 'TABA_METRICS_ADDRESS', fallback);
}

/** Default gRPC listen addresses when several services share one machine. */
export const DEFAULT_GRPC_ADDRESSES = {
  gateway: '127.0.0.1:8301',
  ingest: '127.0.0.1:8310',
  aggregator: '127.0.0.1:8320',
  query: '127.0.0.1:8330',
} as const;

export type ServiceName = keyof typeof DEFAULT_GRPC_ADDRESSES;

const ADVERTISE_VARIABLE = 'TABA_ADVERTISE_ADDRESS';

/** Hosts that mean "every interface": a listen address, never one a peer can dial. */
export function isWildcardHost(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1');
  return bare === '0.0.0.0' || /^[0:]*:[0:]*$/.test(bare);
}

function hostOf(address: string): string {
  return address.replace(/:\d+$/, '').replace(/^\[(.*)\]$/, '$1');
}

function readAdvertiseAddress(env: Env): string | undefined {
  const text = readOptionalString(env, ADVERTISE_VARIABLE);
  if (text === undefined) return undefined;
  let host: string;
  try {
    host = splitHostPort(text).host;
  } catch {
    throw new ConfigError(
      ADVERTISE_VARIABLE,
      `must be host:port with a port from 1 to 65535, got "${text}"`,
    );
  }
  if (isWildcardHost(host)) {
    throw new ConfigError(
      ADVERTISE_VARIABLE,
      `must be an address peers can dial, not a wildcard, got "${text}"`,
    );
  }
  return text;
}

/**
 * The address this instance is registered under: TABA_ADVERTISE_ADDRESS, else the bound
 * address. With Consul, a wildcard bound address (0.0.0.0, ::) cannot be registered: peers
 * would dial themselves. Static discovery registers nothing, so it only uses the address as
 * this instance's id.
 */
export function advertisedAddress(config: ServiceBaseConfig, boundAddress: string): string {
  if (config.advertiseAddress !== undefined) return config.advertiseAddress;
  if (config.discovery.mode === 'consul' && isWildcardHost(hostOf(boundAddress))) {
    throw wildcardError(boundAddress);
  }
  return boundAddress;
}

function wildcardError(listen: string): ConfigError {
  return new ConfigError(
    ADVERTISE_VARIABLE,
    `must be set with TABA_DISCOVERY=consul when TABA_GRPC_ADDRESS listens on every interface ("${listen}"): peers cannot dial a wildcard address`,
  );
}

/**
 * A Commit carries a batch's Deltas, one part per partition: measured up to 13 times the
 * batch's bytes (a Buffer keeps every entry with its timestamp, expiry and id: 100,000 Buffer
 * events of a 2.3 MB batch commit as 30 MB), so the aggregator takes 16 times the batch bound.
 */
const COMMIT_BYTES_PER_BATCH_BYTE = 16;

/**
 * The gateway wraps each batch it forwards in an IngestStreamRequest (an id and the batch's
 * length): ingest takes that much more than the gateway, so a batch the gateway took fits.
 */
const STREAM_ENVELOPE_BYTES = 1024;

/** What TABA_MAX_MESSAGE_BYTES is unless set: sized by the batch limits, not grpc-js's 64 MiB. */
function defaultMaxMessageBytes(env: Env, service: ServiceName): number {
  const batch = largestBatchBytes(readBatchShape(env));
  if (service === 'aggregator') return COMMIT_BYTES_PER_BATCH_BYTE * batch;
  return service === 'ingest' ? batch + STREAM_ENVELOPE_BYTES : batch;
}

export function loadServiceBaseConfig(env: Env, service: ServiceName): ServiceBaseConfig {
  const grpcAddress = readAddress(env, 'TABA_GRPC_ADDRESS', DEFAULT_GRPC_ADDRESSES[service]);
  const advertiseAddress = readAdvertiseAddress(env);
  const discovery = loadDiscoveryConfig(env);
  const internalTokens = readInternalTokens(env);
  // Fail at start-up, not once bound, when Consul would be given a wildcard address.
  if (advertiseAddress === undefined && discovery.mode === 'consul') {
    if (isWildcardHost(hostOf(grpcAddress))) throw wildcardError(grpcAddress);
  }
  const metricsAddress = readMetricsAddress(env, service);
  return Object.freeze({
    service,
    instanceId: readString(env, 'TABA_INSTANCE_ID', `${service}-${hostname()}-${process.pid}`),
    grpcAddress,
    ...(advertiseAddress === undefined ? {} : { advertiseAddress }),
    discovery,
    logLevel: readChoice(env, 'TABA_LOG_LEVEL', LOG_LEVELS, 'info'),
    shutdownGraceMs: readInteger(env, 'TABA_SHUTDOWN_GRACE_MS', 5000, { min: 0, max: 600_000 }),
    maxMessageBytes: readInteger(
      env,
      'TABA_MAX_MESSAGE_BYTES',
      defaultMaxMessageBytes(env, service),
      {
        min: 1024,
        max: 2 ** 31 - 1,
      },
    ),
    maxResponseBytes: readInteger(env, 'TABA_MAX_RESPONSE_BYTES', 64 * 1024 * 1024, {
      min: 1024,
      max: 2 ** 31 - 1,
    }),
    ...(internalTokens === undefined ? {} : { internalTokens }),
    tls: loadTlsConfig(env),
    ...(metricsAddress === undefined ? {} : { metricsAddress }),
    grpcReflection: readBoolean(env, 'TABA_GRPC_REFLECTION', service === 'gateway'),
  });
}
