// POST /post, Taba's line protocol: valid, edited, mutated and flooding bodies, now and then
// compressed (Content-Encoding, or zlib on /post_zip).
import { deflateSync, gzipSync } from 'node:zlib';
import type { EntryPoint } from '../fuzz-input.js';
import type { HttpInput } from '../http-calls.js';
import { HttpTarget } from '../http-calls.js';
import { lineBody } from '../line-inputs.js';

const CONTENT_TYPES = [
  'text/plain',
  'text/plain; charset=utf-8',
  'text/plain; charset=iso-8859-1',
  'text/plain; charset=bogus',
  'application/octet-stream',
];

/** Compressed now and then: as Content-Encoding, or zlib on Taba's agent path. */
const COMPRESSIONS = ['gzip', 'deflate', 'post_zip'] as const;

export function restPost(restUrl: string, now: number, connections: number): EntryPoint<HttpInput> {
  const target = new HttpTarget(restUrl, connections);
  return {
    generate: (random, mode) => {
      const made = lineBody(random, now, mode);
      const headers: Record<string, string> = { 'content-type': random.pick(CONTENT_TYPES) };
      const compression = random.next() < 0.2 ? random.pick(COMPRESSIONS) : 'none';
      if (compression === 'post_zip') {
        return {
          shape: `${made.shape} post_zip`,
          method: 'POST',
          path: '/post_zip',
          headers,
          body: deflateSync(made.body),
        };
      }
      if (compression !== 'none') {
        headers['content-encoding'] = compression;
        const body = compression === 'gzip' ? gzipSync(made.body) : deflateSync(made.body);
        return {
          shape: `${made.shape} ${compression}`,
          method: 'POST',
          path: '/post',
          headers,
          body,
        };
      }
      return { shape: made.shape, method: 'POST', path: '/post', headers, body: made.body };
    },
    send: (input, timeoutMs) => target.send(input, timeoutMs),
    close: () => target.close(),
  };
}
