import type { TabType__Output } from '../generated/taba/v1/TabType.js';

/** Every concrete Tab type (the proto enum without UNSPECIFIED). */
export type TabTypeName = Exclude<TabType__Output, 'TAB_TYPE_UNSPECIFIED'>;

export const TAB_TYPES: readonly TabTypeName[] = [
  'COUNTER_GROUP',
  'PERCENTILE_GROUP',
  'TOTALS_COUNTER',
  'GAUGE',
  'EXPIRY_GAUGE',
  'BUFFER',
  'UNIQUE',
  'HISTOGRAM',
];

/** The type a post gets when it names none. */
export const DEFAULT_TAB_TYPE: TabTypeName = 'COUNTER_GROUP';

const BY_NAME = new Map<string, TabTypeName>(TAB_TYPES.map(type => [type, type]));
// Taba's own spellings, so old clients and the line protocol keep working.
const TABA_ALIASES: Readonly<Record<string, TabTypeName>> = {
  CounterGroup: 'COUNTER_GROUP',
  Counter: 'COUNTER_GROUP',
  Tab: 'COUNTER_GROUP',
  PercentileGroup: 'PERCENTILE_GROUP',
  Percentile: 'PERCENTILE_GROUP',
  TotalsCounter: 'TOTALS_COUNTER',
  Gauge: 'GAUGE',
  ExpiryGauge: 'EXPIRY_GAUGE',
  Buffer: 'BUFFER',
  Unique: 'UNIQUE',
  Histogram: 'HISTOGRAM',
  // Taba v2's lifetime percentiles (unusable there as a Tab of its own): a CounterGroup's
  // lifetime section is that render. TellApart's Java client spells its TabType enum constants.
  PercentileCounter: 'COUNTER_GROUP',
  PERCENTILE_COUNTER: 'COUNTER_GROUP',
  // Taba v1 (2012) names.
  MovingIntervalCounter: 'COUNTER_GROUP',
  String: 'GAUGE',
  ExpiryString: 'EXPIRY_GAUGE',
};

// A Map, so that `toString` or `constructor` is no type.
const ALIASES = new Map<string, TabTypeName>(Object.entries(TABA_ALIASES));

/** Parses a type as the proto enum names it or as Taba spelled it; undefined when unknown. */
export function parseTabType(text: string): TabTypeName | undefined {
  return BY_NAME.get(text) ?? ALIASES.get(text);
}

function camelCase(type: string): string {
  return type
    .toLowerCase()
    .split('_')
    .map(word => word.charAt(0).toUpperCase() + word.slice(1))
    .join('');
}

// Spelled once: reasons name types per column, and building the text each time showed up.
const TABA_NAMES = new Map<string, string>(TAB_TYPES.map(type => [type, camelCase(type)]));

/** Taba's CamelCase spelling of a type (e.g. CounterGroup), used by REST and the CLI. */
export function tabaTypeName(type: TabTypeName): string {
  return TABA_NAMES.get(type) ?? camelCase(type);
}
