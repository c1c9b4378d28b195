// The REST read routes (and DELETE /v1/tabs, rarely) with fuzzed query strings, broken
// percent-encoding, unknown parameters, odd Accept headers, unknown paths and methods.
import { sized } from '../sizes.js';
import { mutateBytes } from '../byte-mutator.js';
import type { SeededRandom } from '../../../libs/common/src/test-support/seeded-random.js';
import type { EntryPoint, InputMode } from '../fuzz-input.js';
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
  // Taba's own paths (docs/taba-compatibility.md).
  '/tabs',
  '/projection',
  '/supertabs',
  '/names',
  '/clients',
  '/types',
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
/** Parameters added now and then: some fine, some refused. */
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

/** Parameters and spellings the bridge refuses before any read: unknown, repeated, malformed. */
const REFUSED_PARAMS = [
  'detail=maybe',
  're=2',
  're=1&re=0',
  'nmae=x',
  '%zz=1',
  'x',
  '=',
  'detail=1&detail=1',
];

/**
 * Deep: a filter to a read route, as GET. Shallow: the same with a parameter the bridge
 * refuses, another method, an unknown path, or mutated bytes. Heavy: the largest filters.
 */
function readRequest(random: SeededRandom, mode: InputMode): HttpInput {
  const path = random.pick(READS);
  let query = filterQuery(randomFilter(random, mode === 'heavy'), random);
  for (let extras = random.next() < 0.2 ? random.int(1, 2) : 0; extras > 0; extras -= 1) {
    query += `&${random.pick(EXTRA_PARAMS)}`;
  }
  if (mode === 'heavy' && random.next() < 0.3)
    query += '&name=a'.repeat(sized(random, 20_000, true));
  let method = mode === 'deep' && random.next() < 0.02 ? 'DELETE' : 'GET';
  let target = `${path}?${query}`;
  let shape = `${method} ${path}`;
  if (mode === 'shallow') {
    const roll = random.int(0, 3);
    if (roll === 0) target += `&${random.pick(REFUSED_PARAMS)}`;
    else if (roll === 1) method = random.pick(['PUT', 'POST', 'PATCH', 'OPTIONS', 'HEAD']);
    else if (roll === 2) target = `${random.pick(OTHERS)}?${query}`;
    else {
      // Mutated, then made safe to put on a request line (no CR, LF, space or control bytes).
      const bytes = mutateBytes(Buffer.from(target), random).toString('latin1');
      target = bytes.replace(UNSAFE_ON_A_REQUEST_LINE, '%');
      if (!target.startsWith('/')) target = `/${target}`;
    }
    shape = `${method} ${path} shallow`;
  }
  const headers: Record<string, string> = {};
  if (random.next() < 0.5) headers.accept = random.pick(ACCEPTS);
  return { shape, method, path: target, headers };
}

export function restQuery(restUrl: string, connections: number): EntryPoint<HttpInput> {
  const target = new HttpTarget(restUrl, connections);
  return {
    generate: readRequest,
    send: (input, timeoutMs) => target.send(input, timeoutMs),
    close: () => target.close(),
  };
}
