// The REST read routes (and DELETE /v1/tabs, rarely) with fuzzed query strings, broken
// percent-encoding, unknown parameters, odd Accept headers, unknown paths and methods.
import { sized } from '../sizes.js';
import { mutateBytes } from '../byte-mutator.js';
import type { EntryPoint } from '../fuzz-input.js';
import type { HttpInput } from '../http-calls.js';
import { HttpTarget } from '../http-calls.js';
import { filterQuery, randomFilter } from '../query-inputs.js';

const READS = [
  '/v1/tabs',
  '/v1/projections',
  '/v1/supertabs',
  '/v1/names',
  '/v1/clients',
  '/v1/types',
];
const OTHERS = [
  '/v1/status',
  '/',
  '/v1',
  '/v1/tabs/',
  '//v1/tabs',
  '/v1/%74abs',
  '/v2/tabs',
  '/post',
  '/v1/events',
  '*',
];
const ACCEPTS = [
  'application/json',
  'text/plain',
  '*/*',
  'text/*;q=0.5, application/json;q=0.4',
  'text/plain;q=abc',
  'image/png',
  '',
  ';;;,,,',
];
const EXTRA_PARAMS = [
  'detail=1',
  'detail=maybe',
  're=2',
  're=1&re=0',
  'nmae=x',
  '%zz=1',
  'name',
  'name=%',
  'name=%C3',
  'name=%00',
  '&&&',
  '=',
  'client=%E2%82',
];

/** Bytes a request line cannot carry as they are: controls, space, DEL and beyond ASCII. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are exactly the bytes to replace
const UNSAFE_ON_A_REQUEST_LINE = /[\x00-\x20\x7f-\xff]/g;

export function restQuery(restUrl: string, connections: number): EntryPoint<HttpInput> {
  const target = new HttpTarget(restUrl, connections);
  return {
    generate: (random, heavy) => {
      const roll = random.next();
      const method =
        roll < 0.02
          ? 'DELETE'
          : roll < 0.05
            ? random.pick(['PUT', 'POST', 'PATCH', 'OPTIONS', 'HEAD'])
            : 'GET';
      const path = random.next() < 0.9 ? random.pick(READS) : random.pick(OTHERS);
      let query = filterQuery(randomFilter(random, heavy), random);
      for (let extras = random.next() < 0.3 ? random.int(1, 3) : 0; extras > 0; extras -= 1)
        query += `&${random.pick(EXTRA_PARAMS)}`;
      if (heavy && random.next() < 0.3) query += '&name=a'.repeat(sized(random, 20_000, true));
      let target_ = query === '' ? path : `${path}?${query}`;
      let shape = `${method} ${path}`;
      if (random.next() < 0.15) {
        // Mutated, then made safe to put on a request line (no CR, LF, space or control bytes).
        target_ = mutateBytes(Buffer.from(target_), random)
          .toString('latin1')
          .replace(UNSAFE_ON_A_REQUEST_LINE, '%');
        shape += ' mutated';
      }
      const headers: Record<string, string> = {};
      if (random.next() < 0.5) headers.accept = random.pick(ACCEPTS);
      return {
        shape,
        method,
        path: target_.startsWith('/') || target_ === '*' ? target_ : `/${target_}`,
        headers,
      };
    },
    send: (input, timeoutMs) => target.send(input, timeoutMs),
    close: () => target.close(),
  };
}
