// JSON inputs: valid /v1/events bodies and seeded mutations of their value tree (wrong
// types, unknown fields, odd numbers and strings, deep nesting, duplicated elements).
import type { SeededRandom } from '../../libs/common/src/test-support/seeded-random.js';
import type { FuzzBatch } from './fuzz-events.js';
import { validBatch } from './fuzz-events.js';
import { sized } from './sizes.js';

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Taba's spelling of each type, as REST and the line protocol take it. */
const TABA_SPELLING: Readonly<Record<string, string>> = {
  COUNTER_GROUP: 'CounterGroup',
  PERCENTILE_GROUP: 'PercentileGroup',
  TOTALS_COUNTER: 'TotalsCounter',
  GAUGE: 'Gauge',
  EXPIRY_GAUGE: 'ExpiryGauge',
  BUFFER: 'Buffer',
  UNIQUE: 'Unique',
  HISTOGRAM: 'Histogram',
};

export function tabaSpelling(type: string): string {
  return TABA_SPELLING[type] ?? type;
}

/** The events of a batch in REST's JSON shape, in column order. */
export function eventsJson(batch: FuzzBatch): Json {
  const events: Json[] = [];
  for (const column of batch.tabs) {
    const count = Math.max(column.values.length, column.strings.length);
    for (let i = 0; i < count; i += 1) {
      const value: Json = column.values[i] ?? column.strings[i] ?? 0;
      const expiry = column.expiries[i];
      const event: Record<string, Json> = {
        name: column.name,
        type: tabaSpelling(column.type),
        value: expiry === undefined ? value : [value, expiry],
      };
      const timestamp = column.timestamps[i];
      if (timestamp !== undefined) event.timestamp = timestamp;
      if (column.bounds.length > 0) event.bounds = [...column.bounds];
      events.push(event);
    }
  }
  return { client: batch.clientId, seq: batch.seq, events };
}

const ODD_NUMBERS = [
  0,
  -0,
  -1,
  1e308,
  -1e308,
  5e-324,
  2 ** 53 + 1,
  2 ** 64,
  9007199254740991,
  0.1,
  1e21,
];
const ODD_STRINGS = [
  '',
  ' ',
  'grün',
  '\ud800',
  '\udfff\ud800',
  '\u0000',
  '\u202e',
  '💥',
  'a,b',
  'CounterGroup',
  'COUNTER_GROUP',
  'Histogram',
  'constructor',
  '__proto__',
  '../..',
  '%00',
];

export function randomJson(random: SeededRandom, heavy: boolean, depth = 0): Json {
  const roll = random.int(0, depth > 2 ? 3 : 5);
  switch (roll) {
    case 0:
      return random.pick([null, true, false]);
    case 1:
      return random.next() < 0.5 ? random.pick(ODD_NUMBERS) : random.int(-1e6, 1e6) / 8;
    case 2:
      return random.pick(ODD_STRINGS);
    case 3:
      return 'x'.repeat(sized(random, 100_000, heavy));
    case 4:
      return Array.from({ length: random.int(0, 3) }, () => randomJson(random, heavy, depth + 1));
    default:
      return Object.fromEntries(
        Array.from({ length: random.int(0, 3) }, () => [
          random.pick([
            ...ODD_STRINGS,
            'name',
            'value',
            'type',
            'client',
            'seq',
            'events',
            'timestamp',
            'bounds',
          ]),
          randomJson(random, heavy, depth + 1),
        ]),
      );
  }
}

interface Slot {
  readonly parent: Json[] | { [key: string]: Json } | undefined;
  readonly key: string | number;
  readonly value: Json;
}

function slots(
  value: Json,
  parent?: Slot['parent'],
  key: string | number = '',
  into: Slot[] = [],
): Slot[] {
  into.push({ parent, key, value });
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) slots(item, value, i, into);
  } else if (value !== null && typeof value === 'object') {
    for (const [name, item] of Object.entries(value)) slots(item, value, name, into);
  }
  return into;
}

function set(slot: Slot, value: Json | undefined): void {
  const { parent, key } = slot;
  if (!parent) return;
  if (Array.isArray(parent) && typeof key === 'number') {
    if (value === undefined) parent.splice(key, 1);
    else parent[key] = value;
  } else if (!Array.isArray(parent)) {
    if (value === undefined) delete parent[String(key)];
    else parent[String(key)] = value;
  }
}

/** Nested arrays `depth` deep around `value`. */
export function nested(value: Json, depth: number): Json {
  let result = value;
  for (let i = 0; i < depth; i += 1) result = [result];
  return result;
}

/**
 * `root` (changed in place) with one to three edits at random places of its tree; a heavy
 * input's edits go up to 100,000-character strings, 1000 repeated elements, 1000 levels.
 */
export function mutateJson(root: Json, random: SeededRandom, heavy: boolean): Json {
  let result = root;
  for (let edits = random.int(1, 3); edits > 0; edits -= 1) {
    const all = slots(result);
    const slot = random.pick(all);
    const op = random.int(0, 5);
    if (op === 0) set(slot, randomJson(random, heavy));
    else if (op === 1) set(slot, undefined);
    else if (
      op === 2 &&
      slot.value !== null &&
      typeof slot.value === 'object' &&
      !Array.isArray(slot.value)
    ) {
      slot.value[random.pick(ODD_STRINGS)] = randomJson(random, heavy);
    } else if (op === 3 && Array.isArray(slot.value) && slot.value.length > 0) {
      const item = random.pick(slot.value);
      for (let i = sized(random, 1000, heavy); i > 0; i -= 1) slot.value.push(item);
    } else if (op === 4) set(slot, nested(slot.value, sized(random, 1000, heavy)));
    else if (slot.parent === undefined) result = randomJson(random, heavy);
    else set(slot, random.pick(ODD_NUMBERS));
  }
  return result;
}

/** A valid /v1/events body as a value tree (fresh each call, so it can be mutated). */
export function validEventsJson(random: SeededRandom, now: number): Json {
  return eventsJson(validBatch(random, now));
}
