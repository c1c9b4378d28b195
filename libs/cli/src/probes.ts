// Readiness probes of `taba up`: gRPC health of the services, PING of Redis, bounded polling.
import { connect } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { ServiceError } from '@grpc/grpc-js';
import { Client, credentials } from '@grpc/grpc-js';
import type { MethodDefinition } from '@grpc/proto-loader';
import { loadSync } from '@grpc/proto-loader';
import { protoPath } from 'grpc-health-check';
import { FailureError } from './errors.js';

type HealthCheck = MethodDefinition<{ service: string }, { status?: unknown }>;

let check: HealthCheck | undefined;

/** grpc.health.v1.Health/Check, from grpc-health-check's own proto (loaded once). */
function healthCheckMethod(): HealthCheck {
  if (check) return check;
  const definition = loadSync(protoPath, { keepCase: true, enums: String, defaults: true });
  const service = definition['grpc.health.v1.Health'];
  const method = service && !('format' in service) ? service.Check : undefined;
  if (method === undefined)
    throw new Error(`grpc.health.v1.Health/Check is missing from ${protoPath}`);
  check = method as HealthCheck;
  return check;
}

/** A Health/Check client that reconnects quickly (the server is starting). Close it after use. */
export class HealthProbe {
  private readonly client: Client;

  constructor(readonly address: string) {
    this.client = new Client(address, credentials.createInsecure(), {
      'grpc.initial_reconnect_backoff_ms': 100,
      'grpc.max_reconnect_backoff_ms': 500,
      'grpc.use_local_subchannel_pool': 1,
    });
  }

  /** The status of the whole server ('' service): SERVING, NOT_SERVING, …; rejects on failure. */
  status(timeoutMs: number): Promise<string> {
    const method = healthCheckMethod();
    return new Promise((resolve, reject) => {
      this.client.makeUnaryRequest(
        method.path,
        method.requestSerialize,
        method.responseDeserialize,
        { service: '' },
        { deadline: Date.now() + timeoutMs },
        (error: ServiceError | null, reply?: { status?: unknown }) => {
          if (error) reject(error);
          else resolve(String(reply?.status));
        },
      );
    });
  }

  close(): void {
    this.client.close();
  }
}

/** One `PING` over a fresh TCP connection; resolves true on `+PONG`. */
export function redisPing(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise(resolve => {
    const socket = connect({ host, port });
    let answer = '';
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('error', () => done(false));
    socket.once('connect', () => socket.write('PING\r\n'));
    socket.on('data', chunk => {
      answer += chunk.toString('utf8');
      if (answer.includes('\r\n')) done(answer.startsWith('+PONG'));
    });
  });
}

function describeError(error: unknown): string {
  if (error instanceof Error) return 'details' in error ? String(error.details) : error.message;
  return String(error);
}

/**
 * Calls `attempt` every `intervalMs` until it returns true; throws FailureError after
 * `timeoutMs`, or the signal's reason as soon as it is aborted.
 */
export async function pollUntil(
  what: string,
  attempt: () => Promise<boolean>,
  options: {
    readonly timeoutMs: number;
    readonly intervalMs: number;
    readonly signal: AbortSignal;
  },
): Promise<void> {
  const { timeoutMs, intervalMs, signal } = options;
  const giveUpAt = performance.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    signal.throwIfAborted();
    try {
      if (await attempt()) return;
    } catch (error) {
      lastError = error;
    }
    signal.throwIfAborted();
    if (performance.now() + intervalMs > giveUpAt) {
      const last = lastError === undefined ? '' : ` (last error: ${describeError(lastError)})`;
      throw new FailureError(`${what} within ${timeoutMs} ms${last}`);
    }
    try {
      await sleep(intervalMs, undefined, { signal });
    } catch {
      signal.throwIfAborted();
    }
  }
}
