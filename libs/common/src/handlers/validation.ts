import { InvalidArgumentError } from '../errors/taba-error.js';
import type { RejectCode__Output } from '../generated/taba/v1/RejectCode.js';
import type { TabType__Output } from '../generated/taba/v1/TabType.js';
import type { EventColumns } from './columns.js';
import type { AnyTabHandler, TabParams } from './handler.js';
import type { HandlerRegistry } from './registry.js';
import type { TabTypeName } from './tab-types.js';
import { DEFAULT_TAB_TYPE, TAB_TYPES, tabaTypeName } from './tab-types.js';
import { LONGEST_WINDOW_SECONDS } from './windows.js';

/** Every limit on what a client may send; all configurable, defaults documented. */
export interface EventLimits {
  /** Longest Tab name, characters. @default 256 */
  readonly maxNameLength: number;
  /** Longest client ID, characters. @default 256 */
  readonly maxClientIdLength: number;
  /** Longest string value, characters. @default 1024 */
  readonly maxStringLength: number;
  /** Events older than this many seconds are LATE. @default 86400 (the 1d window) */
  readonly lateSeconds: number;
  /** Events further ahead than this many seconds are FUTURE. @default 300 */
  readonly futureSkewSeconds: number;
  /** Most HISTOGRAM bounds. @default 128 */
  readonly maxHistogramBounds: number;
  /**
   * Expiries (EXPIRY_GAUGE, BUFFER) further ahead than this many seconds are INVALID_EXPIRY: an
   * entry that never expires would be kept, and read, for ever. @default 2592000 (30 days)
   */
  readonly maxExpirySeconds: number;
}

export const DEFAULT_EVENT_LIMITS: EventLimits = {
  maxNameLength: 256,
  maxClientIdLength: 256,
  maxStringLength: 1024,
  lateSeconds: LONGEST_WINDOW_SECONDS,
  futureSkewSeconds: 300,
  maxHistogramBounds: 128,
  maxExpirySeconds: 30 * 86_400,
};

/** Taba's name and client alphabet: URL-safe, no comma (lists), no space (text render). */
const NAME_PATTERN = /^[A-Za-z0-9._~:/?@!$()*+;=-]+$/;
const ALLOWED_DESCRIPTION = 'letters, digits and . _ ~ : / ? @ ! $ ( ) * + ; = -';

/** What is wrong with a Tab name or client ID, or undefined when it is fine. */
export function nameProblem(what: string, name: string, maxLength: number): string | undefined {
  if (name.length === 0) return `${what} is empty`;
  if (name.length > maxLength)
    return `${what} is ${name.length} characters long; the limit is ${maxLength}`;
  if (!NAME_PATTERN.test(name)) {
    const bad = [...name].find(char => !NAME_PATTERN.test(char)) ?? '';
    return `${what} "${name}" has the disallowed character ${JSON.stringify(bad)} (allowed: ${ALLOWED_DESCRIPTION})`;
  }
  return undefined;
}

/** Throws INVALID_ARGUMENT (reason INVALID_CLIENT_ID) for a bad client ID. */
export function checkClientId(clientId: string, limits: EventLimits = DEFAULT_EVENT_LIMITS): void {
  const problem = nameProblem('client ID', clientId, limits.maxClientIdLength);
  if (problem) throw new InvalidArgumentError('INVALID_CLIENT_ID', problem);
}

export interface ColumnRejection {
  /** Index of the event within its column. */
  readonly event: number;
  readonly code: RejectCode__Output;
  readonly reason: string;
}

/** A column after validation: the accepted events ready to fold, and why the others were not. */
export interface ValidatedColumn {
  readonly name: string;
  readonly type: TabTypeName;
  readonly params: TabParams;
  /** Number of events the column carried. */
  readonly eventCount: number;
  readonly columns: EventColumns;
  readonly rejections: ColumnRejection[];
}

export interface ValidationTime {
  /** Now, epoch seconds, from the injected clock. */
  readonly now: number;
  /** The batch's sent_at: the timestamp of events that carry none (0 = now). */
  readonly sentAt: number;
}

const EMPTY: readonly never[] = [];
/** The params of every type but HISTOGRAM: shared, so a column allocates none. */
const NO_PARAMS: TabParams = Object.freeze({});

/**
 * One column of a batch as a decoder leaves it: the generic proto-loader object
 * (TabColumn__Output) and the hot-path decoder's typed columns both fit.
 */
export interface ColumnInput {
  readonly name: string;
  /** Undefined when the sender used a type number this build does not know (see typeCode). */
  readonly type: TabType__Output | undefined;
  readonly typeCode?: number;
  readonly timestamps: ArrayLike<number>;
  readonly values: ArrayLike<number>;
  readonly strings: ArrayLike<string>;
  readonly expiries: ArrayLike<number>;
  readonly bounds: ArrayLike<number>;
}

function rejectAll(
  name: string,
  type: TabTypeName,
  eventCount: number,
  code: RejectCode__Output,
  reason: string,
): ValidatedColumn {
  const rejections: ColumnRejection[] = [];
  for (let event = 0; event < eventCount; event += 1) rejections.push({ event, code, reason });
  return {
    name,
    type,
    params: NO_PARAMS,
    eventCount,
    columns: {
      timestamps: EMPTY,
      values: EMPTY,
      strings: EMPTY,
      expiries: EMPTY,
      selection: EMPTY,
    },
    rejections,
  };
}

/** Why a timestamp is refused (not a positive finite number, too old, too far ahead), if it is. */
function checkTimestamp(
  timestamp: number,
  time: ValidationTime,
  limits: EventLimits,
): { code: RejectCode__Output; reason: string } | undefined {
  if (!Number.isFinite(timestamp) || timestamp <= 0) {
    return {
      code: 'INVALID_TIMESTAMP',
      reason: `timestamp ${timestamp} is not a positive finite number of epoch seconds`,
    };
  }
  if (timestamp < time.now - limits.lateSeconds) {
    return {
      code: 'LATE',
      reason: `timestamp ${timestamp} is ${Math.round(time.now - timestamp)}s old; the limit is ${limits.lateSeconds}s`,
    };
  }
  if (timestamp > time.now + limits.futureSkewSeconds) {
    return {
      code: 'FUTURE',
      reason: `timestamp ${timestamp} is ${Math.round(timestamp - time.now)}s ahead; the clock-skew limit is ${limits.futureSkewSeconds}s`,
    };
  }
  return undefined;
}

function boundsProblem(bounds: ArrayLike<number>, limits: EventLimits): string | undefined {
  if (bounds.length === 0) return 'a HISTOGRAM needs bucket bounds';
  if (bounds.length > limits.maxHistogramBounds) {
    return `${bounds.length} bounds; the limit is ${limits.maxHistogramBounds}`;
  }
  for (let i = 0; i < bounds.length; i += 1) {
    const bound = bounds[i] ?? Number.NaN;
    if (!Number.isFinite(bound)) return `bound ${i} is ${bound}; bounds must be finite`;
    if (i > 0 && bound <= (bounds[i - 1] ?? Number.NaN))
      return 'bounds must be strictly increasing';
  }
  return undefined;
}

/** Why a whole column is refused, if it is: its shape does not fit its type. */
interface Problem {
  readonly code: RejectCode__Output;
  readonly reason: string;
}

/** The column-level checks, in order; type names are spelled only for the reasons. */
function columnProblem(
  column: ColumnInput,
  type: TabTypeName,
  eventCount: number,
  registry: HandlerRegistry,
  limits: EventLimits,
): Problem | undefined {
  const handler: AnyTabHandler = registry[type];
  const stringValued = column.strings.length > 0;
  const problem = nameProblem('name', column.name, limits.maxNameLength);
  if (problem) return { code: 'INVALID_NAME', reason: problem };
  if (stringValued && column.values.length > 0) {
    return { code: 'MALFORMED', reason: 'a column carries either values or strings, not both' };
  }
  if (column.timestamps.length > 0 && column.timestamps.length !== eventCount) {
    const reason = `${column.timestamps.length} timestamps for ${eventCount} events`;
    return { code: 'MALFORMED', reason };
  }
  if (handler.needsExpiry && column.expiries.length !== eventCount) {
    const reason = `${tabaTypeName(type)} needs one expiry per event; got ${column.expiries.length} for ${eventCount} events`;
    return { code: 'INVALID_EXPIRY', reason };
  }
  if (!handler.needsExpiry && column.expiries.length > 0) {
    return { code: 'MALFORMED', reason: `${tabaTypeName(type)} takes no expiries` };
  }
  if (type === 'HISTOGRAM') {
    const bad = boundsProblem(column.bounds, limits);
    if (bad) return { code: 'INVALID_BOUNDS', reason: bad };
  } else if (column.bounds.length > 0) {
    return { code: 'MALFORMED', reason: `${tabaTypeName(type)} takes no bounds` };
  }
  if (stringValued && handler.values === 'number') {
    return { code: 'INVALID_VALUE', reason: `${tabaTypeName(type)} needs numbers, got strings` };
  }
  return undefined;
}

/** What the per-event checks of one column read. */
interface EventChecks {
  readonly column: ColumnInput;
  readonly timestamps: ArrayLike<number>;
  /** No per-event timestamps: all have the batch's, checked once beforehand. */
  readonly uniform: boolean;
  readonly stringValued: boolean;
  readonly needsExpiry: boolean;
  readonly time: ValidationTime;
  readonly limits: EventLimits;
  readonly oldest: number;
  readonly newest: number;
}

/** Why event `i` is refused, if it is. */
function eventProblem(checks: EventChecks, i: number): Problem | undefined {
  const { column, limits } = checks;
  if (!checks.uniform) {
    const timestamp = checks.timestamps[i] ?? Number.NaN;
    if (!(timestamp >= checks.oldest && timestamp <= checks.newest)) {
      const problem = checkTimestamp(timestamp, checks.time, limits);
      if (problem) return problem;
    }
  }
  if (checks.stringValued) {
    const text = column.strings[i] ?? '';
    if (text.length > limits.maxStringLength) {
      const reason = `string value is ${text.length} characters long; the limit is ${limits.maxStringLength}`;
      return { code: 'INVALID_VALUE', reason };
    }
  } else {
    const value = column.values[i] ?? Number.NaN;
    if (!Number.isFinite(value)) {
      return { code: 'INVALID_VALUE', reason: `value ${value} is not a finite number` };
    }
  }
  if (checks.needsExpiry) {
    const expiry = column.expiries[i] ?? Number.NaN;
    if (!Number.isFinite(expiry)) {
      const reason = `expiry ${expiry} is not a finite number of epoch seconds`;
      return { code: 'INVALID_EXPIRY', reason };
    }
    if (expiry <= checks.time.now) {
      return { code: 'EXPIRED', reason: `expiry ${expiry} has already passed` };
    }
    if (expiry > checks.time.now + limits.maxExpirySeconds) {
      const reason = `expiry ${expiry} is more than ${limits.maxExpirySeconds} s ahead (TABA_MAX_EXPIRY_SECONDS)`;
      return { code: 'INVALID_EXPIRY', reason };
    }
  }
  return undefined;
}

// Most columns keep every event: their selection is a shared view of [0, 1, 2, …] (never
// written), so accepting a column allocates nothing. Columns past the cache get a fresh view.
const CACHED_SELECTIONS = 4096;
let everyIndex = new Uint32Array(0);
const everySelection: Uint32Array[] = new Array(CACHED_SELECTIONS);

function allEvents(count: number): Uint32Array {
  if (count > everyIndex.length) {
    everyIndex = new Uint32Array(Math.max(count, 2 * everyIndex.length, 1024));
    for (let i = 0; i < everyIndex.length; i += 1) everyIndex[i] = i;
  }
  if (count >= CACHED_SELECTIONS) return everyIndex.subarray(0, count);
  let view = everySelection[count];
  if (!view) {
    view = everyIndex.subarray(0, count);
    everySelection[count] = view;
  }
  return view;
}

/** The accepted events' indexes, ascending; the refused ones go to `rejections`. */
function selectEvents(
  checks: EventChecks,
  eventCount: number,
  rejections: ColumnRejection[],
): ArrayLike<number> {
  // Allocated at the first refused event; until then event i is the i-th accepted.
  let selection: Uint32Array | undefined;
  let accepted = 0;
  for (let i = 0; i < eventCount; i += 1) {
    const problem = eventProblem(checks, i);
    if (problem) {
      selection ??= allEvents(eventCount).slice();
      rejections.push({ event: i, code: problem.code, reason: problem.reason });
      continue;
    }
    if (selection) selection[accepted] = i;
    accepted += 1;
  }
  return selection ? selection.subarray(0, accepted) : allEvents(eventCount);
}

/**
 * Checks one column of a batch, event by event. Nothing is thrown: every problem
 * becomes a rejection with a code and a reason a person can act on.
 */
export function validateColumn(
  column: ColumnInput,
  registry: HandlerRegistry,
  time: ValidationTime,
  limits: EventLimits = DEFAULT_EVENT_LIMITS,
): ValidatedColumn {
  const name = column.name;
  const stringValued = column.strings.length > 0;
  const eventCount = stringValued ? column.strings.length : column.values.length;
  if (column.type === undefined) {
    const known = `known types are ${TAB_TYPES.join(', ')}`;
    return rejectAll(
      name,
      DEFAULT_TAB_TYPE,
      eventCount,
      'MALFORMED',
      `unknown type ${column.typeCode ?? '?'}; ${known}`,
    );
  }
  const type: TabTypeName = column.type === 'TAB_TYPE_UNSPECIFIED' ? DEFAULT_TAB_TYPE : column.type;
  const refused = columnProblem(column, type, eventCount, registry, limits);
  if (refused) return rejectAll(name, type, eventCount, refused.code, refused.reason);

  const defaultTime = time.sentAt > 0 ? time.sentAt : time.now;
  const uniform = column.timestamps.length === 0;
  // Events without timestamps all have the batch's: one check for all of them.
  const timeProblem = uniform ? checkTimestamp(defaultTime, time, limits) : undefined;
  if (timeProblem) return rejectAll(name, type, eventCount, timeProblem.code, timeProblem.reason);
  const timestamps = uniform ? new Float64Array(eventCount).fill(defaultTime) : column.timestamps;
  const rejections: ColumnRejection[] = [];
  const checks: EventChecks = {
    column,
    timestamps,
    uniform,
    stringValued,
    needsExpiry: registry[type].needsExpiry,
    time,
    limits,
    oldest: time.now - limits.lateSeconds,
    newest: time.now + limits.futureSkewSeconds,
  };
  return {
    name,
    type,
    params: type === 'HISTOGRAM' ? { bounds: Array.from(column.bounds) } : NO_PARAMS,
    eventCount,
    columns: {
      timestamps,
      values: column.values,
      strings: column.strings,
      expiries: column.expiries,
      selection: selectEvents(checks, eventCount, rejections),
    },
    rejections,
  };
}
