// POST /post, Taba's line protocol: valid, edited, mutated and flooding bodies.
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

export function restPost(restUrl: string, now: number, connections: number): EntryPoint<HttpInput> {
  const target = new HttpTarget(restUrl, connections);
  return {
    generate: (random, mode) => {
      const made = lineBody(random, now, mode);
      return {
        shape: made.shape,
        method: 'POST',
        path: '/post',
        headers: { 'content-type': random.pick(CONTENT_TYPES) },
        body: made.body,
      };
    },
    send: (input, timeoutMs) => target.send(input, timeoutMs),
    close: () => target.close(),
  };
}
