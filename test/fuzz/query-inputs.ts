// Query filters: exact names and clients, regular expressions (valid, invalid, catastrophic),
// odd strings, many items; encoded as the gRPC requests or as REST query strings.
import type { SeededRandom } from '../../libs/common/src/test-support/seeded-random.js';
import { FUZZ_PREFIX, fuzzClient, fuzzName, NAME_COUNT } from './fuzz-events.js';
import { ProtoWriter } from './proto-writer.js';
import { sized } from './sizes.js';

export interface FuzzFilter {
  readonly names: readonly string[];
  readonly clients: readonly string[];
  readonly regex: boolean;
}

/** Patterns (and an empty filter) that select every Tab: a read of all of them is heavy. */
const EVERYTHING = ['.', '.*', '', '[\\s\\S]*', `^${FUZZ_PREFIX}`];

const PATTERNS = [
  `^${FUZZ_PREFIX}\\.counter`,
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

function item(random: SeededRandom, regex: boolean, client: boolean, heavy: boolean): string {
  const roll = random.next();
  if (roll < 0.35) return client ? fuzzClient(random) : fuzzName(random.int(0, NAME_COUNT - 1));
  if (roll < 0.5) return random.pick(ODD_ITEMS);
  if (roll < 0.6) return 'y'.repeat(sized(random, 100_000, heavy));
  if (!regex && roll < 0.8) return random.pick(PATTERNS);
  const pattern = random.next() < 0.5 ? random.pick(PATTERNS) : randomPattern(random);
  // A cheap read stays narrow: most patterns are anchored to one name of the vocabulary.
  const anchor = escapeRegex(client ? fuzzClient(random) : fuzzName(random.int(0, NAME_COUNT - 1)));
  return !heavy && random.next() < 0.7 ? `^${anchor}${pattern}` : pattern;
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * A filter. A cheap one names one to four items. A heavy one selects every Tab, or has many
 * items (up to 200,000, as a client filter of every ID), or a few long ones (up to 100,000
 * characters).
 */
export function randomFilter(random: SeededRandom, heavy: boolean): FuzzFilter {
  const regex = random.next() < 0.5;
  const kind = heavy ? random.int(0, 2) : -1;
  if (kind === 0) {
    const names = random.next() < 0.3 ? [] : [random.pick(EVERYTHING)];
    return { regex: names.length > 0, names, clients: [] };
  }
  const many = kind === 1;
  const long = kind === 2;
  const count = () => (many ? sized(random, 200_000, true) : random.int(1, 4));
  return {
    regex,
    names: Array.from({ length: count() }, () => item(random, regex, false, long)),
    clients: Array.from({ length: random.next() < 0.5 ? 0 : count() }, () =>
      item(random, regex, true, long),
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
