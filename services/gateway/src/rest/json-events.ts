import type { TabTypeName } from '@taba/common';
import {
  DEFAULT_TAB_TYPE,
  InvalidArgumentError,
  parseTabType,
  TAB_TYPES,
  tabaTypeName,
} from '@taba/common';
import type { BuiltBatch, ColumnEvent } from './event-columns.js';
import { ColumnBuilder } from './event-columns.js';

/** Reason of every 400 about the shape of a POST /v1/events body. */
export const INVALID_BODY = 'INVALID_BODY';

const BODY_FIELDS = ['client', 'seq', 'session', 'events'] as const;
const EVENT_FIELDS = ['name', 'type', 'value', 'timestamp', 'bounds'] as const;
const KNOWN_TYPES = TAB_TYPES.map(tabaTypeName).join(', ');

function invalid(message: string): InvalidArgumentError {
  return new InvalidArgumentError(INVALID_BODY, message);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function checkFields(
  record: Record<string, unknown>,
  allowed: readonly string[],
  where: string,
): void {
  for (const key of Object.keys(record)) {
    if (!allowed.includes(key)) {
      throw invalid(`${where}has the unknown field "${key}"; allowed: ${allowed.join(', ')}`);
    }
  }
}

function isNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** `type`: the proto enum name (COUNTER_GROUP) or Taba's spelling (CounterGroup); absent → CounterGroup. */
function readType(raw: unknown, where: string): TabTypeName {
  if (raw === undefined) return DEFAULT_TAB_TYPE;
  const type = typeof raw === 'string' ? parseTabType(raw) : undefined;
  if (type === undefined) {
    throw invalid(
      `${where}.type ${JSON.stringify(raw)} is not a Tab type; use one of ${KNOWN_TYPES}`,
    );
  }
  return type;
}

/** `value`: a number, a string, or `[value, expiry]` (EXPIRY_GAUGE, BUFFER). */
function readValue(raw: unknown, where: string): Pick<ColumnEvent, 'value' | 'expiry'> {
  if (isNumber(raw) || typeof raw === 'string') return { value: raw };
  if (
    Array.isArray(raw) &&
    raw.length === 2 &&
    (isNumber(raw[0]) || typeof raw[0] === 'string') &&
    isNumber(raw[1])
  ) {
    return { value: raw[0], expiry: raw[1] };
  }
  throw invalid(`${where}.value must be a number, a string or [value, expiry]`);
}

function readEvent(raw: unknown, index: number): ColumnEvent {
  const where = `events[${index}]`;
  if (!isRecord(raw)) throw invalid(`${where} must be an object like {"name":"bid","value":1}`);
  checkFields(raw, EVENT_FIELDS, `${where} `);
  if (typeof raw.name !== 'string') throw invalid(`${where}.name must be a string`);
  const event: { -readonly [K in keyof ColumnEvent]: ColumnEvent[K] } = {
    name: raw.name,
    type: readType(raw.type, where),
    ...readValue(raw.value, where),
  };
  if (raw.timestamp !== undefined) {
    if (!isNumber(raw.timestamp)) {
      throw invalid(`${where}.timestamp must be a number of epoch seconds`);
    }
    event.timestamp = raw.timestamp;
  }
  if (raw.bounds !== undefined) {
    if (!Array.isArray(raw.bounds) || !raw.bounds.every(isNumber)) {
      throw invalid(`${where}.bounds must be an array of numbers`);
    }
    event.bounds = raw.bounds;
  }
  return event;
}

/**
 * Converts the JSON body of `POST /v1/events` into one columnar EventBatch. Origins are the
 * positions of the events in the body's `events` array, so rejections can name them.
 *
 * Body: `{"client":"c1","seq":7,"events":[{"name":"bid","type":"CounterGroup","value":0.23,
 * "timestamp":1763800000.5}]}`; `seq` defaults to 0 (at-least-once), `session` (the sender's
 * session, microseconds since the epoch when it started) to 0 (none), `type` to CounterGroup,
 * `timestamp` to the time of arrival; `bounds` for HISTOGRAM events. Unknown fields are refused.
 *
 * @throws InvalidArgumentError (reason INVALID_BODY) naming the first offending field
 */
export function eventsBodyToBatch(body: unknown, nowSeconds: number): BuiltBatch<number> {
  if (!isRecord(body)) {
    throw invalid('the body must be a JSON object like {"client":"c1","events":[…]}');
  }
  checkFields(body, BODY_FIELDS, 'the body ');
  if (typeof body.client !== 'string') throw invalid('client must be a string');
  const seq = readCounter(body.seq, 'seq');
  const session = readCounter(body.session, 'session');
  if (!Array.isArray(body.events)) throw invalid('events must be an array');
  const builder = new ColumnBuilder<number>();
  body.events.forEach((raw: unknown, index: number) => {
    builder.add(readEvent(raw, index), index);
  });
  return builder.build(body.client, seq, nowSeconds, session);
}

/** `seq` and `session`: absent → 0, else a non-negative integer up to 2^53 - 1. */
function readCounter(raw: unknown, field: string): number {
  if (raw === undefined) return 0;
  if (typeof raw !== 'number' || !Number.isSafeInteger(raw) || raw < 0) {
    throw invalid(`${field} must be a non-negative integer up to 2^53 - 1`);
  }
  return raw;
}
