import { hostname } from 'node:os';
import type { Env } from '../config/env-readers.js';
import { readAddress, readChoice, readInteger, readString } from '../config/env-readers.js';
import type { LogLevel } from '../logging/logger.js';
import { LOG_LEVELS } from '../logging/logger.js';

/** What every service reads the same way. */
export interface ServiceBaseConfig {
  /** The service's name: gateway, ingest, aggregator or query. */
  readonly service: string;
  /** Unique per running instance; the discovery id. @default `<service>-<host>-<pid>` */
  readonly instanceId: string;
  /** gRPC listen address (TABA_GRPC_ADDRESS); port 0 picks a free port. */
  readonly grpcAddress: string;
  /** TABA_LOG_LEVEL. @default 'info' */
  readonly logLevel: LogLevel;
  /** How long shutdown waits for calls in flight before cancelling them (TABA_SHUTDOWN_GRACE_MS). @default 5000 */
  readonly shutdownGraceMs: number;
  /** Largest gRPC message in or out (TABA_MAX_MESSAGE_BYTES). @default 67108864 */
  readonly maxMessageBytes: number;
}

/** Default gRPC listen addresses when several services share one machine. */
export const DEFAULT_GRPC_ADDRESSES = {
  gateway: '127.0.0.1:8301',
  ingest: '127.0.0.1:8310',
  aggregator: '127.0.0.1:8320',
  query: '127.0.0.1:8330',
} as const;

export type ServiceName = keyof typeof DEFAULT_GRPC_ADDRESSES;

export function loadServiceBaseConfig(env: Env, service: ServiceName): ServiceBaseConfig {
  return Object.freeze({
    service,
    instanceId: readString(env, 'TABA_INSTANCE_ID', `${service}-${hostname()}-${process.pid}`),
    grpcAddress: readAddress(env, 'TABA_GRPC_ADDRESS', DEFAULT_GRPC_ADDRESSES[service]),
    logLevel: readChoice(env, 'TABA_LOG_LEVEL', LOG_LEVELS, 'info'),
    shutdownGraceMs: readInteger(env, 'TABA_SHUTDOWN_GRACE_MS', 5000, { min: 0, max: 600_000 }),
    maxMessageBytes: readInteger(env, 'TABA_MAX_MESSAGE_BYTES', 64 * 1024 * 1024, {
      min: 1024,
      max: 2 ** 31 - 1,
    }),
  });
}
