import type { ClientDuplexStream, ServiceError } from '@grpc/grpc-js';
import { Metadata, status } from '@grpc/grpc-js';
import type { IngestClient } from '@taba/common';
import type { TraceCarrier } from '@taba/common';
import { activeTraceCarrier, REASON_METADATA_KEY } from '@taba/common';
import type { PostEventsResponse__Output } from './contract.js';

interface Reply {
  readonly id: number;
  readonly response?: PostEventsResponse__Output | null;
  readonly errorCode: number;
  readonly errorReason: string;
  readonly errorMessage: string;
}

/** One batch on the stream, with the trace context of its span (per batch, not per stream). */
interface StreamRequest extends TraceCarrier {
  readonly id: number;
  readonly batch: Buffer;
}

interface Pending {
  readonly resolve: (response: PostEventsResponse__Output) => void;
  readonly reject: (error: ServiceError) => void;
  readonly timer: NodeJS.Timeout;
}

/** A status-shaped error, as grpc-js gives a client, so pools and handlers treat both alike. */
function serviceError(code: status, details: string, reason?: string): ServiceError {
  const metadata = new Metadata();
  if (reason) metadata.set(REASON_METADATA_KEY, reason);
  return Object.assign(new Error(`${code} ${status[code]}: ${details}`), {
    code,
    details,
    metadata,
  });
}

/**
 * One long-lived Ingest/IngestStream per ingest client: batches go out on it tagged with an
 * id and their answers come back tagged the same way. When the stream breaks, every batch on it
 * fails with UNAVAILABLE (the pool retries elsewhere) and the next batch opens a new stream.
 */
class IngestSession {
  private call: ClientDuplexStream<StreamRequest, Reply> | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  constructor(private readonly client: IngestClient) {}

  send(batch: Buffer, deadline: number): Promise<PostEventsResponse__Output> {
    const call = this.open();
    const id = this.nextId;
    this.nextId += 1;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => {
          this.pending.delete(id);
          reject(
            serviceError(status.DEADLINE_EXCEEDED, 'ingest did not answer before the deadline'),
          );
        },
        Math.max(0, deadline - Date.now()),
      );
      this.pending.set(id, { resolve, reject, timer });
      call.write({ id, batch, ...activeTraceCarrier() });
    });
  }

  private open(): ClientDuplexStream<StreamRequest, Reply> {
    if (this.call) return this.call;
    const call = this.client.ingestStream() as unknown as ClientDuplexStream<StreamRequest, Reply>;
    call.on('data', (reply: Reply) => {
      const waiting = this.pending.get(reply.id);
      if (!waiting) return;
      this.pending.delete(reply.id);
      clearTimeout(waiting.timer);
      if (reply.response) waiting.resolve(reply.response);
      else waiting.reject(serviceError(reply.errorCode, reply.errorMessage, reply.errorReason));
    });
    const broken = (error?: ServiceError) => {
      if (this.call !== call) return;
      this.call = undefined;
      const failure =
        error && error.code === status.UNIMPLEMENTED
          ? error
          : serviceError(
              status.UNAVAILABLE,
              `the stream to ingest ended: ${error?.details ?? 'closed'}`,
            );
      for (const [id, waiting] of this.pending) {
        clearTimeout(waiting.timer);
        waiting.reject(failure);
        this.pending.delete(id);
      }
    };
    call.on('error', broken);
    call.on('end', () => broken());
    this.call = call;
    return call;
  }

  close(): void {
    this.call?.end();
  }
}

/**
 * The streams of every ingest client the pool hands out, made on first use. Several per
 * client, taken in turn: each HTTP/2 stream has its own flow-control window (64 KiB on a grpc-js
 * server, which cannot be raised), so one stream alone would cap the bytes in flight.
 */
export class IngestStreams {
  private readonly sessions = new WeakMap<IngestClient, { list: IngestSession[]; next: number }>();

  constructor(private readonly streamsPerInstance = 8) {}

  send(client: IngestClient, batch: Buffer, deadline: number): Promise<PostEventsResponse__Output> {
    let entry = this.sessions.get(client);
    if (!entry) {
      entry = {
        list: Array.from({ length: this.streamsPerInstance }, () => new IngestSession(client)),
        next: 0,
      };
      this.sessions.set(client, entry);
    }
    const session = entry.list[entry.next % entry.list.length] as IngestSession;
    entry.next += 1;
    return session.send(batch, deadline);
  }
}
