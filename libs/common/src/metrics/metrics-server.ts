import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../logging/logger.js';
import type { ServiceMetrics } from './service-metrics.js';

/** Bounds of the metrics endpoint: it answers one small GET; anything slow or large is cut. */
const REQUEST_TIMEOUT_MS = 10_000;
const HEADERS_TIMEOUT_MS = 5_000;
const KEEP_ALIVE_TIMEOUT_MS = 5_000;
const MAX_HEADER_BYTES = 8 * 1024;

export interface MetricsEndpoint {
  /** `host:port` as bound. */
  readonly address: string;
  close(): Promise<void>;
}

function answer(response: ServerResponse, status: number, type: string, body: string): void {
  response.writeHead(status, {
    'content-type': type,
    'content-length': Buffer.byteLength(body),
    ...(status === 405 ? { allow: 'GET' } : {}),
  });
  response.end(body);
}

function handle(metrics: ServiceMetrics, request: IncomingMessage, response: ServerResponse): void {
  const path = (request.url ?? '').split('?')[0];
  if (path !== '/metrics') {
    answer(response, 404, 'text/plain; charset=utf-8', 'not found: only GET /metrics\n');
    return;
  }
  if (request.method !== 'GET') {
    answer(response, 405, 'text/plain; charset=utf-8', 'method not allowed: only GET /metrics\n');
    return;
  }
  metrics.exposition().then(
    text => answer(response, 200, metrics.contentType, text),
    (error: unknown) =>
      answer(response, 500, 'text/plain; charset=utf-8', `metrics unavailable: ${String(error)}\n`),
  );
}

/**
 * Serves `GET /metrics` on `address` (TABA_METRICS_ADDRESS): a plain HTTP server that answers
 * nothing else (404, 405 with a one-line body) and cuts slow or oversized requests.
 */
export async function serveMetrics(
  address: string,
  metrics: ServiceMetrics,
  logger: Logger,
): Promise<MetricsEndpoint> {
  // TABA_METRICS_ADDRESS was checked as host:port (port 0 picks a free one) by readAddress.
  const match = /^(.+):(\d{1,5})$/.exec(address);
  const host = (match?.[1] ?? '').replace(/^\[(.*)\]$/, '$1');
  const port = Number(match?.[2]);
  const server = createServer({ maxHeaderSize: MAX_HEADER_BYTES }, (request, response) =>
    handle(metrics, request, response),
  );
  server.requestTimeout = REQUEST_TIMEOUT_MS;
  server.headersTimeout = HEADERS_TIMEOUT_MS;
  server.keepAliveTimeout = KEEP_ALIVE_TIMEOUT_MS;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const bound = (server.address() as AddressInfo).port;
  const boundAddress = address.replace(/:\d+$/, `:${bound}`);
  logger.info({ address: boundAddress }, 'metrics listening');
  return {
    address: boundAddress,
    close: () =>
      new Promise<void>(resolve => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
