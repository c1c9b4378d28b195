// The dashboard's paths through a real REST server: the files, their errors, and that the
// REST routes around them are untouched.
import { request as httpRequest } from 'node:http';
import { createLogger, Refusals } from '@taba/common';
import { afterEach, describe, expect, it } from 'vitest';
import { GatewayAuth } from '../auth/gateway-auth.js';
import type { RestBackend } from './routes.js';
import type { RestServer } from './server.js';
import { startRestServer } from './server.js';
import type { StaticAssets } from './static-assets.js';
import { staticAssets } from './static-assets.js';

const backend: RestBackend = {
  postBatch: () => Promise.reject(new Error('not used')),
  query: () => Promise.reject(new Error('not used')),
  status: async () => ({ instances: [] }),
  metrics: async () => 'taba_up 1\n',
};

const BUNDLE = staticAssets(
  new Map([
    ['index.html', Buffer.from('<!doctype html><p>dashboard</p>')],
    ['main-AB12CD34.js', Buffer.from('export {};')],
  ]),
);

let server: RestServer | undefined;
afterEach(async () => {
  await server?.close(100);
  server = undefined;
});

async function start(dashboard?: StaticAssets): Promise<number> {
  server = await startRestServer({
    address: '127.0.0.1:0',
    maxBodyBytes: 1024 * 1024,
    limits: { maxEventsBodyBytes: 1024, maxPostClients: 10, maxBatchEvents: 10 },
    capacity: {
      maxConnections: 16,
      maxInflightRequests: 16,
      maxInflightBodyBytes: 1024 * 1024,
      maxHeaderBytes: 16_384,
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 10_000,
    },
    refusals: new Refusals(),
    backend,
    auth: GatewayAuth.off(),
    logger: createLogger({ service: 'gateway', level: 'silent' }),
    ...(dashboard === undefined ? {} : { dashboard }),
  });
  return Number(server.address.split(':').pop());
}

interface Answer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: string;
}

/** A request with `path` sent as written (fetch would resolve `..` before sending). */
function send(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string> = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = httpRequest({ host: '127.0.0.1', port, method, path, headers }, response => {
      const chunks: Buffer[] = [];
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () =>
        resolve({
          status: response.statusCode ?? 0,
          headers: response.headers,
          body: Buffer.concat(chunks).toString(),
        }),
      );
    });
    request.on('error', reject);
    request.end();
  });
}

function reasonOf(answer: Answer): string {
  return (JSON.parse(answer.body) as { error: { reason: string } }).error.reason;
}

describe('the dashboard on the REST port', () => {
  it('serves the page at / and the bundle under /dashboard/, revalidated by ETag', async () => {
    const port = await start(BUNDLE);
    const page = await send(port, 'GET', '/');
    expect(page.status).toBe(200);
    expect(page.body).toBe('<!doctype html><p>dashboard</p>');
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.headers['cache-control']).toBe('no-cache');
    const again = await send(port, 'GET', '/', { 'if-none-match': String(page.headers.etag) });
    expect(again.status).toBe(304);
    expect(again.body).toBe('');
    const script = await send(port, 'GET', '/dashboard/main-AB12CD34.js');
    expect(script.status).toBe(200);
    expect(script.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect((await send(port, 'HEAD', '/dashboard/main-AB12CD34.js')).body).toBe('');
  });

  it('answers what is not a file of the bundle as a JSON 404, and nothing escapes it', async () => {
    const port = await start(BUNDLE);
    for (const path of [
      '/dashboard/main-ZZZZZZZZ.js',
      '/dashboard/../package.json',
      '/dashboard/..%2f..%2fpackage.json',
      '/dashboard/%2e%2e/src/main.ts',
    ]) {
      const answer = await send(port, 'GET', path);
      expect(answer.status, path).toBe(404);
      expect(reasonOf(answer), path).toBe('UNKNOWN_PATH');
    }
  });

  it('takes GET and HEAD only', async () => {
    const port = await start(BUNDLE);
    const answer = await send(port, 'POST', '/');
    expect(answer.status).toBe(405);
    expect(answer.headers.allow).toBe('GET, HEAD');
    expect(reasonOf(answer)).toBe('METHOD_NOT_ALLOWED');
  });

  it('says so when the gateway has no bundle', async () => {
    const port = await start();
    const answer = await send(port, 'GET', '/');
    expect(answer.status).toBe(404);
    expect(reasonOf(answer)).toBe('DASHBOARD_NOT_BUILT');
  });

  it('leaves the REST routes as they were', async () => {
    const port = await start(BUNDLE);
    const metrics = await send(port, 'GET', '/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.body).toBe('taba_up 1\n');
    expect(reasonOf(await send(port, 'GET', '/v2/tabs'))).toBe('UNKNOWN_PATH');
  });
});
