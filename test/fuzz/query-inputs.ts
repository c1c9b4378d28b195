// Query filters: exact names and clients, regular expressions (valid, invalid, catastrophic),
// odd strings, many items; encoded as the gRPC requests or as REST query strings.
import type { SeededRandom } from '../../libs/common/src/test-support/seeded-random.js';
import { logUniform } from './batch-inputs.js';
import { FUZZ_PREFIX, fuzzClient, fuzzName, NAME_COUNT } from './fuzz-events.js';
import { ProtoWriter } from './proto-writer.js';

export interface FuzzFilter {
  readonly names: readonly string[];
  readonly clients: readonly string[];
  readonly regex: boolean;
}

const PATTERNS = [
  '.',
  '.*',
  '',
  `^${FUZZ_PREFIX}\\.`,
  '(a+)+$',
  '(a|a)*b',
  '(.*a){12}',
  '^(([a-z])+.)+[A-Z]([a-z])+$',
  '(x+x+)+y',
  '.*.*.*.*.*.*=',
  '\\',
  '[',
  '(',
  '*',
  'a{2,1}',
  'a{99999}',
  '(?<n>a)\\k<n>',
  '(?=a)a',
  '(?<!a)b',
  '\\p{L}+',
  '\\u{1F4A5}',
  '[\\s\\S]*',
  '\\1',
  'fuzz|fuzz|fuzz|fuzz',
  '(((((((((((((((((((((a)))))))))))))))))))))',
  'é',
  '\u0000',
];

const ATOMS = ['a', '.', '\\w', '\\d', '[a-z]', '[^,]', 'fuzz', '\\.', '(a|b)', '(.*)', '\\s'];
const QUANTIFIERS = ['', '*', '+', '?', '{2}', '*?', '{1,}'];

/** A random pattern from a small grammar: atoms with quantifiers, groups, alternations. */
export function randomPattern(random: SeededRandom, depth = 0): string {
  let pattern = '';
  for (let parts = random.int(1, 4); parts > 0; parts -= 1) {
    const atom =
      depth < 3 && random.next() < 0.3
        ? `(${randomPattern(random, depth + 1)})`
        : random.pick(ATOMS);
    pattern += atom + random.pick(QUANTIFIERS);
    if (random.next() < 0.15) pattern += '|';
  }
  return random.next() < 0.2 ? `^${pattern}$` : pattern;
}

const ODD_ITEMS = ['', ' ', ',', 'grün', '\ud800', '💥', '%', '\u0000', 'x'.repeat(300), 'a,b,,c'];

function item(random: SeededRandom, regex: boolean, client: boolean): string {
  const roll = random.next();
  if (roll < 0.35) return client ? fuzzClient(random) : fuzzName(random.int(0, NAME_COUNT - 1));
  if (roll < 0.5) return random.pick(ODD_ITEMS);
  if (roll < 0.6) return 'y'.repeat(logUniform(random, 100_000));
  if (!regex && roll < 0.8) return random.pick(PATTERNS);
  return random.next() < 0.5 ? random.pick(PATTERNS) : randomPattern(random);
}

export function randomFilter(random: SeededRandom): FuzzFilter {
  const regex = random.next() < 0.5;
  const count = () => (random.next() < 0.95 ? random.int(0, 4) : logUniform(random, 50_000));
  return {
    regex,
    names: Array.from({ length: count() }, () => item(random, regex, false)),
    clients: Array.from({ length: random.next() < 0.5 ? 0 : count() }, () =>
      item(random, regex, true),
    ),
  };
}

/** taba.v1.TabFilter on the wire. */
export function encodeFilter(filter: FuzzFilter): Buffer {
  const writer = new ProtoWriter();
  for (const name of filter.names) writer.string(1, name);
  for (const client of filter.clients) writer.string(2, client);
  if (filter.regex) writer.varintField(3, 1);
  return writer.finish();
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** The REST query string of a filter (comma lists, percent-encoded), without the `?`. */
export function filterQuery(filter: FuzzFilter, random: SeededRandom): string {
  const params: string[] = [];
  // A lone surrogate has no UTF-8 form: it goes as the bytes a careless encoder writes for it.
  const encode = (value: string) =>
    encodeURIComponent(value.replace(LONE_SURROGATE, '\u0001')).replace(/%01/g, '%ED%A0%80');
  const list = (key: string, items: readonly string[]) => {
    if (items.length === 0) return;
    if (random.next() < 0.5) params.push(`${key}=${items.map(encode).join(',')}`);
    else for (const each of items) params.push(`${key}=${encode(each)}`);
  };
  list('name', filter.names);
  list('client', filter.clients);
  if (filter.regex) params.push(random.pick(['re=1', 're', 're=true', 're=on']));
  return params.join('&');
}
