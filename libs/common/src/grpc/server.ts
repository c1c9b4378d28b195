import type { Http2Server, Http2Session } from 'node:http2';
import type { ChannelOptions, ServerInterceptor } from '@grpc/grpc-js';
import { Server, ServerCredentials } from '@grpc/grpc-js';
import { HealthImplementation } from 'grpc-health-check';
import { wireRefusalInterceptor } from './wire-refusals.js';

/** Message bounds of Taba's gRPC servers and clients. */
export interface GrpcLimits {
  /**
   * Largest request a server accepts, bytes (TABA_MAX_MESSAGE_BYTES): refused from its length
   * prefix, before it is buffered or decoded. @default 64 MiB here; services size it by the batch limits
   */
  readonly maxMessageBytes: number;
  /** Largest answer a server sends and a client takes, bytes (TABA_MAX_RESPONSE_BYTES). @default 64 MiB */
  readonly maxResponseBytes: number;
}

export const DEFAULT_GRPC_LIMITS: GrpcLimits = {
  maxMessageBytes: 64 * 1024 * 1024,
  maxResponseBytes: 64 * 1024 * 1024,
};

/**
 * Channel options for clients: answers bounded by `maxResponseBytes`; what a client sends is
 * bounded by the server it calls (which refuses MESSAGE_TOO_LARGE from the length prefix), not
 * here, so a caller never needs to know the callee's bound. Channelz off (it costs ~20% on
 * small calls).
 */
export function grpcChannelOptions(
  limits: Pick<GrpcLimits, 'maxResponseBytes'> = DEFAULT_GRPC_LIMITS,
): ChannelOptions {
  return {
    'grpc.max_receive_message_length': limits.maxResponseBytes,
    'grpc.max_send_message_length': -1,
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

/** What a server lets a peer send before it must wait for a window update, bytes. */
const SERVER_RECEIVE_WINDOW_BYTES = 16 * 1024 * 1024;

/**
 * grpc-js servers keep HTTP/2's default receive windows (64 KiB per stream and per connection)
 * and offer no option for them, so a peer sending large messages (a Commit of a 1,000-Tab batch
 * is ~300 KB) waits for a window update every 64 KiB, and a busy event loop sends those late:
 * measured, seconds of an ingest's time went there. This widens both through grpc-js's
 * (unexported) server settings and its HTTP/2 sessions; if a grpc-js version lacks those, the
 * defaults simply stay.
 */
function widenReceiveWindows(server: Server): void {
  const internals = server as unknown as {
    commonServerOptions?: { settings?: Record<string, number> };
    http2Servers?: Map<Http2Server, unknown>;
  };
  const common = internals.commonServerOptions;
  if (common)
    common.settings = { ...common.settings, initialWindowSize: SERVER_RECEIVE_WINDOW_BYTES };
  const bind = server.bindAsync.bind(server);
  server.bindAsync = (port, creds, callback) =>
    bind(port, creds, (error, boundPort) => {
      for (const http2Server of internals.http2Servers?.keys() ?? []) {
        http2Server.on('session', (session: Http2Session) =>
          session.setLocalWindowSize(SERVER_RECEIVE_WINDOW_BYTES),
        );
      }
      callback(error, boundPort);
    });
}

/**
 * A server that takes requests up to `limits.maxMessageBytes` (a larger one is refused from its
 * length prefix with RESOURCE_EXHAUSTED, reason MESSAGE_TOO_LARGE; one that does not decode with
 * INVALID_ARGUMENT, reason MALFORMED_MESSAGE; `onRefused` is called with the reason) and sends
 * answers up to `limits.maxResponseBytes`.
 *
 * NOTE: servers keep channelz on. In grpc-js 1.14 a server with channelz off does not track
 * its connections, so forceShutdown() cannot cancel the calls still open after the grace.
 */
export function createGrpcServer(
  limits: GrpcLimits = DEFAULT_GRPC_LIMITS,
  onRefused: (reason: string) => void = () => {},
  interceptors: readonly ServerInterceptor[] = [],
): Server {
  const { 'grpc.enable_channelz': _channelz, ...options } = grpcChannelOptions(limits);
  const server = new Server({
    ...options,
    'grpc.max_receive_message_length': limits.maxMessageBytes,
    'grpc.max_send_message_length': limits.maxResponseBytes,
    // First in the chain: it wraps the base call, where grpc-js sends its own refusals.
    interceptors: [wireRefusalInterceptor(onRefused), ...interceptors],
  });
  widenReceiveWindows(server);
  return server;
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

/**
 * Binds with `credentials` (plaintext unless given; a service passes its TlsCredentials'
 * serverCredentials()) and resolves the bound port.
 */
export function bindServer(
  server: Server,
  address: string,
  credentials: ServerCredentials = ServerCredentials.createInsecure(),
): Promise<number> {
  return new Promise((resolve, reject) => {
    server.bindAsync(address, credentials, (error, port) => {
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
