import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger, TlsCredentials } from '@taba/common';
import { isUnexpectedError } from '../call-status.js';
import { bodyTooLarge, errorResponse } from './http-errors.js';
import type { RestListener } from './listener.js';
import { createRestListener } from './listener.js';
import type { RestBackend, RestReply } from './routes.js';
import { route } from './routes.js';

export interface RestServerOptions {
  /** `host:port` to listen on; port 0 picks a free port. */
  readonly address: string;
  /** Largest request body, bytes; larger bodies get 413. */
  readonly maxBodyBytes: number;
  readonly backend: RestBackend;
  readonly logger: Logger;
  /** Epoch seconds now (the time of arrival of events without a timestamp). @default Date.now()/1000 */
  readonly now?: () => number;
  /** Serve HTTPS with the gateway's certificate (see createRestListener). @default plain HTTP */
  readonly tls?: TlsCredentials;
}

export interface RestServer {
  /** `host:port` it listens on (the bound port when 0 was asked). */
  readonly address: string;
  /**
   * Stops taking connections, closes idle ones, lets requests in flight finish for up to
   * `graceMs`, then closes the rest. Idempotent.
   */
  close(graceMs: number): Promise<void>;
}

/**
 * Reads the whole body, refusing (413) one whose Content-Length or actual length is over
 * `limit` without buffering more than the limit.
 */
function readBody(request: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(request.headers['content-length']);
    if (Number.isFinite(declared) && declared > limit) {
      reject(bodyTooLarge(limit));
      return;
    }
    const chunks: Buffer[] = [];
    let total = 0;
    const onData = (chunk: Buffer) => {
      total += chunk.length;
      if (total > limit) {
        request.off('data', onData);
        request.pause();
        reject(bodyTooLarge(limit));
        return;
      }
      chunks.push(chunk);
    };
    request.on('data', onData);
    request.once('end', () => resolve(Buffer.concat(chunks, total)));
    request.once('error', reject);
    // A client that goes away mid-body ends neither with 'end' nor always with 'error'.
    request.once('close', () => {
      if (!request.complete) reject(new Error('the client closed the connection mid-body'));
    });
  });
}

function send(response: ServerResponse, reply: RestReply, headers: Record<string, string>): void {
  if (response.headersSent || response.destroyed) return;
  const body = Buffer.from(reply.body, 'utf8');
  response.writeHead(reply.status, {
    ...headers,
    'content-type': `${reply.contentType}; charset=utf-8`,
    'content-length': String(body.length),
  });
  response.end(body);
}

/** Splits `host:port` (host may be `[v6]`) for `listen`. */
function splitAddress(address: string): { host: string; port: number; hostPart: string } {
  const match = /^(.*):(\d+)$/.exec(address);
  const hostPart = match?.[1] ?? '';
  const host =
    hostPart.startsWith('[') && hostPart.endsWith(']') ? hostPart.slice(1, -1) : hostPart;
  return { host, port: Number(match?.[2] ?? Number.NaN), hostPart };
}

/**
 * The REST/JSON bridge: a node:http (or, with TLS, node:https) server whose routes call the same forwarding as the
 * gRPC handlers. Every failure is answered as JSON `{"error":{code,reason,message}}`; nothing a
 * client sends can crash it.
 */
export async function startRestServer(options: RestServerOptions): Promise<RestServer> {
  const { backend, logger, maxBodyBytes } = options;
  const now = options.now ?? (() => Date.now() / 1000);

  const serve = async (request: IncomingMessage, response: ServerResponse) => {
    const abort = new AbortController();
    response.once('close', () => {
      if (!response.writableFinished) abort.abort();
    });
    let reply: RestReply;
    const headers: Record<string, string> = {};
    try {
      const target = request.url ?? '/';
      const query = target.indexOf('?');
      reply = await route(
        {
          method: request.method ?? 'GET',
          path: query < 0 ? target : target.slice(0, query),
          search: new URLSearchParams(query < 0 ? '' : target.slice(query + 1)),
          accept: request.headers.accept,
          signal: abort.signal,
          body: () => readBody(request, maxBodyBytes),
        },
        backend,
        now(),
      );
    } catch (error) {
      if (isUnexpectedError(error)) {
        logger.error({ err: error, method: request.method, url: request.url }, 'REST call failed');
      }
      const failure = errorResponse(error);
      Object.assign(headers, failure.headers);
      // An unread body (413) is not drained: the connection closes after the answer.
      if (failure.status === 413) headers.connection = 'close';
      reply = {
        status: failure.status,
        contentType: 'application/json',
        body: JSON.stringify(failure.body),
      };
    }
    send(response, reply, headers);
  };

  const server: RestListener = createRestListener((request, response) => {
    serve(request, response).catch((error: unknown) => {
      // Only send() can land here (e.g. a socket that broke mid-write).
      logger.warn({ err: error }, 'REST answer failed');
      response.destroy();
    });
  }, options.tls);

  const { host, port, hostPart } = splitAddress(options.address);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = server.address();
  const boundPort = bound !== null && typeof bound === 'object' ? bound.port : port;

  let closing: Promise<void> | undefined;
  return {
    address: `${hostPart}:${boundPort}`,
    close(graceMs) {
      closing ??= new Promise<void>(resolve => {
        const force = setTimeout(() => server.closeAllConnections(), graceMs);
        force.unref();
        server.close(() => {
          clearTimeout(force);
          resolve();
        });
        server.closeIdleConnections();
      });
      return closing;
    },
  };
}
