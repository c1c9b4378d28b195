// Valid events of every type, drawn from a small vocabulary of names and clients so that a run
// adds a bounded number of Tabs: each name has one type, so valid inputs never conflict.
import type { TabTypeName } from '@taba/common';
import { TAB_TYPES } from '@taba/common';
import type { SeededRandom } from '../../libs/common/src/test-support/seeded-random.js';

/** Tab names the generators use; name k has type TAB_TYPES[k % 8]. */
export const NAME_COUNT = 32;
export const CLIENT_COUNT = 16;
export const FUZZ_PREFIX = 'fuzz';

export const HISTOGRAM_BOUNDS: readonly number[] = [0, 1, 10, 100];

export interface FuzzColumn {
  readonly name: string;
  readonly type: TabTypeName;
  /** Epoch seconds, one per event, or none (the time of arrival). */
  readonly timestamps: readonly number[];
  readonly values: readonly number[];
  readonly strings: readonly string[];
  readonly expiries: readonly number[];
  readonly bounds: readonly number[];
}

export interface FuzzBatch {
  readonly clientId: string;
  readonly seq: number;
  readonly sentAt: number;
  readonly tabs: readonly FuzzColumn[];
}

const WORDS = ['ok', 'degraded', 'down', 'grün', 'a b', '', 'x'.repeat(40), '日本', '"q"'];

export function fuzzName(k: number): string {
  const type = TAB_TYPES[k % TAB_TYPES.length] ?? 'COUNTER_GROUP';
  return `${FUZZ_PREFIX}.${type.toLowerCase()}.${k}`;
}

export function typeOfName(k: number): TabTypeName {
  return TAB_TYPES[k % TAB_TYPES.length] ?? 'COUNTER_GROUP';
}

export function fuzzClient(random: SeededRandom): string {
  return `${FUZZ_PREFIX}-client-${random.int(0, CLIENT_COUNT - 1)}`;
}

export function isStringValued(type: TabTypeName): boolean {
  return type === 'GAUGE' || type === 'EXPIRY_GAUGE' || type === 'BUFFER' || type === 'UNIQUE';
}

export function needsExpiry(type: TabTypeName): boolean {
  return type === 'EXPIRY_GAUGE' || type === 'BUFFER';
}

/** One valid column of `count` events for name k, stamped around `now` (epoch seconds). */
export function validColumn(
  random: SeededRandom,
  k: number,
  count: number,
  now: number,
): FuzzColumn {
  const type = typeOfName(k);
  const stamped = random.next() < 0.5;
  const strings = isStringValued(type) && random.next() < 0.8;
  const each = <T>(make: () => T): T[] => Array.from({ length: count }, make);
  return {
    name: fuzzName(k),
    type,
    timestamps: stamped ? each(() => now - random.int(0, 3600)) : [],
    values: strings ? [] : each(() => random.int(-1000, 1000) / 8),
    strings: strings ? each(() => random.pick(WORDS)) : [],
    expiries: needsExpiry(type) ? each(() => now + random.int(60, 7200)) : [],
    bounds: type === 'HISTOGRAM' ? HISTOGRAM_BOUNDS : [],
  };
}

export function validBatch(random: SeededRandom, now: number): FuzzBatch {
  const columns = random.int(1, 4);
  return {
    clientId: fuzzClient(random),
    seq: 0,
    sentAt: 0,
    tabs: Array.from({ length: columns }, () =>
      validColumn(random, random.int(0, NAME_COUNT - 1), random.int(1, 16), now),
    ),
  };
}
