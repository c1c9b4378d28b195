import type { ChannelOptions } from '@grpc/grpc-js';
import { Server, ServerCredentials } from '@grpc/grpc-js';
import { HealthImplementation } from 'grpc-health-check';

/** Options every Taba gRPC server and client shares. */
export interface GrpcLimits {
  /** Largest message accepted, bytes. @default 64 MiB */
  readonly maxMessageBytes: number;
}

export const DEFAULT_GRPC_LIMITS: GrpcLimits = { maxMessageBytes: 64 * 1024 * 1024 };

/** Channel options for clients (and, without channelz, servers): bounded messages, channelz off (it costs ~20% on small calls). */
export function grpcChannelOptions(limits: GrpcLimits = DEFAULT_GRPC_LIMITS): ChannelOptions {
  return {
    'grpc.max_receive_message_length': limits.maxMessageBytes,
    'grpc.max_send_message_length': limits.maxMessageBytes,
    'grpc.enable_channelz': 0,
    // Peers inside a cluster come back quickly (a restart, a failover): retry the connection
    // within a second rather than after grpc-js's default backoff of up to two minutes.
    'grpc.initial_reconnect_backoff_ms': 100,
    'grpc.max_reconnect_backoff_ms': 1000,
    // Batches are large: a 16 MiB HTTP/2 window sends one without waiting for window updates,
    // and our callers retry by themselves, so grpc-js need not keep a copy of each message.
    'grpc-node.flow_control_window': 16 * 1024 * 1024,
    'grpc.enable_retries': 0,
  };
}

/**
 * NOTE: servers keep channelz on. In grpc-js 1.14 a server with channelz off does not track
 * its connections, so forceShutdown() cannot cancel the calls still open after the grace.
 */
export function createGrpcServer(limits: GrpcLimits = DEFAULT_GRPC_LIMITS): Server {
  const { 'grpc.enable_channelz': _channelz, ...options } = grpcChannelOptions(limits);
  return new Server(options);
}

/**
 * Adds the standard grpc.health.v1.Health service. The overall status ('') and each
 * named service start NOT_SERVING; the runner flips them to SERVING once listening.
 */
export function addHealthService(
  server: Server,
  serviceNames: readonly string[],
): HealthImplementation {
  const statuses = Object.fromEntries(
    ['', ...serviceNames].map(name => [name, 'NOT_SERVING' as const]),
  );
  const health = new HealthImplementation(statuses);
  health.addToServer(server);
  return health;
}

/** Binds insecurely (TLS terminates in front, as in Kubernetes) and resolves the bound port. */
export function bindServer(server: Server, address: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.bindAsync(address, ServerCredentials.createInsecure(), (error, port) => {
      if (error) reject(error);
      else resolve(port);
    });
  });
}

/** Stops taking calls, waits up to `graceMs` for calls in flight, then cancels the rest. */
export function shutdownServer(server: Server, graceMs: number): Promise<void> {
  return new Promise(resolve => {
    const force = setTimeout(() => {
      server.forceShutdown();
      resolve();
    }, graceMs);
    force.unref();
    server.tryShutdown(() => {
      clearTimeout(force);
      resolve();
    });
  });
}
