import type { TabTypeName } from '@taba/common';
import { excerpt, InvalidArgumentError, parseTabType, TAB_TYPES, tabaTypeName } from '@taba/common';
import type { BuiltBatch, ColumnEvent } from './event-columns.js';
import { ColumnBuilder } from './event-columns.js';
import { HttpError } from './http-errors.js';

/** What one `/post` body may hold; past either it is refused while parsing (413), before any batch is built. */
export interface LineLimits {
  /** Distinct client IDs, so batches per call (TABA_POST_MAX_CLIENTS). */
  readonly maxClients: number;
  /** Events of one client, so of one batch (TABA_MAX_BATCH_EVENTS). */
  readonly maxEventsPerClient: number;
}

/** The defaults of TABA_POST_MAX_CLIENTS and TABA_MAX_BATCH_EVENTS. */
export const DEFAULT_LINE_LIMITS: LineLimits = { maxClients: 1000, maxEventsPerClient: 100_000 };

function tooManyClients(limit: number, line: number): HttpError {
  return new HttpError(
    413,
    'RESOURCE_EXHAUSTED',
    'TOO_MANY_CLIENTS',
    `line ${line}: the body has more than ${limit} client IDs, one batch each; the limit is ${limit} (TABA_POST_MAX_CLIENTS): send it as several bodies`,
  );
}

function tooManyEvents(clientId: string, limit: number, line: number): HttpError {
  return new HttpError(
    413,
    'RESOURCE_EXHAUSTED',
    'BATCH_TOO_LARGE',
    `line ${line}: client ${JSON.stringify(excerpt(clientId))} has more than ${limit} events, more than one batch takes (TABA_MAX_BATCH_EVENTS): send it as several bodies`,
  );
}

/** The lines of `body` one at a time, without splitting it into an array first. */
function* linesOf(body: string): Generator<string> {
  let start = 0;
  while (start < body.length) {
    const end = body.indexOf('\n', start);
    if (end < 0) {
      yield body.slice(start);
      return;
    }
    yield body.slice(start, end);
    start = end + 1;
  }
}

/** Reason of every 400 about a malformed line-protocol body. */
export const MALFORMED_BODY = 'MALFORMED_BODY';

/** The only version of Taba's line protocol. */
export const LINE_PROTOCOL_VERSION = '1';

/** One event line of the body. */
export interface LineEvent extends ColumnEvent {
  /** 1-based line number in the body. */
  readonly line: number;
  readonly timestamp: number;
}

/** An event line whose type no handler answers: refused on its own, never the whole body. */
export interface UnknownTypeLine {
  readonly line: number;
  readonly name: string;
  readonly type: string;
}

/** Every event of one client ID in the body (a client that appears twice is merged). */
export interface LineClient {
  readonly clientId: string;
  /** Line of the client ID's first appearance. */
  readonly line: number;
  readonly events: LineEvent[];
  /** Its events of an unknown type, in body order (not posted). */
  readonly unknownTypes: UnknownTypeLine[];
}

function malformed(line: number, message: string): InvalidArgumentError {
  return new InvalidArgumentError(MALFORMED_BODY, `line ${line}: ${message}`);
}

function isNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/** A JSON number, exactly as JSON.parse takes it. */
const JSON_NUMBER = '-?(?:0|[1-9]\\d*)(?:\\.\\d+)?(?:[eE][+-]?\\d+)?';

/**
 * The common line, a number payload (`["CounterGroup", 1763800000, "0.23"]`), read without
 * building JSON values: a body of them costs a third of the memory. Anything else (other
 * spacing, strings, pairs, mistakes) takes the general path, which decides the same.
 */
const NUMBER_EVENT = new RegExp(`^\\["([A-Za-z_]+)", ?(${JSON_NUMBER}), ?"(${JSON_NUMBER})"\\]$`);

function parseNumberEvent(text: string, line: number, name: string): LineEvent | undefined {
  const match = NUMBER_EVENT.exec(text);
  if (match === null) return undefined;
  const type = parseTabType(match[1] ?? '');
  const timestamp = Number(match[2]);
  const value = Number(match[3]);
  if (type === undefined || !Number.isFinite(timestamp) || !Number.isFinite(value)) {
    return undefined;
  }
  return { line, name, type, timestamp, value };
}

/**
 * `[type, timestamp, "<payload as JSON text>"]`, the payload JSON-encoded a second time. A
 * well-formed line of a type no handler answers is returned as an UnknownTypeLine.
 */
function parseEventLine(text: string, line: number, name: string): LineEvent | UnknownTypeLine {
  const common = parseNumberEvent(text, line, name);
  if (common !== undefined) return common;
  let tuple: unknown;
  try {
    tuple = JSON.parse(text);
  } catch {
    throw malformed(
      line,
      `an event must be a JSON array [type, timestamp, "payload"], got ${excerpt(text)}`,
    );
  }
  if (!Array.isArray(tuple) || tuple.length !== 3) {
    throw malformed(
      line,
      `an event must be a JSON array of 3 items [type, timestamp, "payload"], got ${excerpt(text)}`,
    );
  }
  const [rawType, timestamp, payloadText] = tuple as [unknown, unknown, unknown];
  if (typeof rawType !== 'string') {
    throw malformed(line, `the type must be a string, got ${excerpt(JSON.stringify(rawType))}`);
  }
  const type: TabTypeName | undefined = parseTabType(rawType);
  if (type === undefined) return { line, name, type: rawType };
  if (!isNumber(timestamp)) {
    throw malformed(
      line,
      `the timestamp must be a number of epoch seconds, got ${JSON.stringify(timestamp)}`,
    );
  }
  if (typeof payloadText !== 'string') {
    throw malformed(
      line,
      `the payload must be JSON text inside a string (encoded twice), e.g. "321" or "[\\"on\\", 1763900000]", got ${JSON.stringify(payloadText)}`,
    );
  }
  let payload: unknown;
  try {
    payload = JSON.parse(payloadText);
  } catch {
    throw malformed(line, `the payload ${excerpt(JSON.stringify(payloadText))} is not JSON text`);
  }
  const base = { line, name, type, timestamp };
  if (isNumber(payload) || typeof payload === 'string') return { ...base, value: payload };
  if (
    Array.isArray(payload) &&
    payload.length === 2 &&
    (isNumber(payload[0]) || typeof payload[0] === 'string') &&
    isNumber(payload[1])
  ) {
    return { ...base, value: payload[0], expiry: payload[1] };
  }
  throw malformed(line, 'the payload must be a number, a string or [value, expiry]');
}

function pushEvent(client: LineClient, event: LineEvent | UnknownTypeLine): void {
  if ('value' in event) client.events.push(event);
  else client.unknownTypes.push(event);
}

type State = 'version' | 'afterVersion' | 'client' | 'afterClient' | 'name' | 'events' | 'end';

/**
 * Parses Taba's line protocol, version 1:
 *
 * ```
 * 1
 *
 * <client id>
 *
 * <name>
 * ["CounterGroup", 1763800000, "321"]
 * ...one line per event
 *
 * <name>
 * ...
 *
 *                 (an extra blank line closes the client; another client may follow)
 *                 (a final blank line closes the body)
 * ```
 *
 * Lines may end in CRLF. A missing final blank line (or closing blank lines) is tolerated;
 * anything after the closing blank line other than blank lines is refused.
 *
 * @throws InvalidArgumentError (reason MALFORMED_BODY) with the 1-based line number; HttpError
 * 413 (TOO_MANY_CLIENTS, BATCH_TOO_LARGE) as soon as the body passes `limits`
 */
export function parseLineProtocol(
  body: string,
  limits: LineLimits = DEFAULT_LINE_LIMITS,
): LineClient[] {
  const clients = new Map<string, LineClient>();
  let state: State = 'version';
  let client: LineClient | undefined;
  let name = '';
  let line = 0;
  for (const raw of linesOf(body)) {
    line += 1;
    step(raw);
  }
  if (state === 'version') throw malformed(1, 'the body is empty; expected the protocol version 1');
  return [...clients.values()];

  function step(raw: string): void {
    const text = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const blank = text === '';
    switch (state) {
      case 'version':
        if (text !== LINE_PROTOCOL_VERSION) {
          throw malformed(
            line,
            `expected the protocol version ${LINE_PROTOCOL_VERSION}, got ${JSON.stringify(excerpt(text))}`,
          );
        }
        state = 'afterVersion';
        return;
      case 'afterVersion':
        if (!blank) throw malformed(line, 'expected a blank line after the protocol version');
        state = 'client';
        return;
      case 'client':
        if (blank) {
          state = 'end';
          return;
        }
        client = clients.get(text);
        if (client === undefined) {
          if (clients.size >= limits.maxClients) throw tooManyClients(limits.maxClients, line);
          client = { clientId: text, line, events: [], unknownTypes: [] };
          clients.set(text, client);
        }
        state = 'afterClient';
        return;
      case 'afterClient':
        if (!blank) throw malformed(line, 'expected a blank line after the client ID');
        state = 'name';
        return;
      case 'name':
        if (blank) {
          state = 'client';
          return;
        }
        name = text;
        state = 'events';
        return;
      case 'events':
        if (blank) {
          state = 'name';
          return;
        }
        if (client === undefined) return;
        if (client.events.length + client.unknownTypes.length >= limits.maxEventsPerClient) {
          throw tooManyEvents(client.clientId, limits.maxEventsPerClient, line);
        }
        pushEvent(client, parseEventLine(text, line, name));
        return;
      case 'end':
        if (!blank) {
          throw malformed(
            line,
            'content after the end of the body (the blank line that closes it)',
          );
        }
        return;
    }
  }
}

/** One client's EventBatch (seq 0: at-least-once), each event traced to its line. */
export interface LineBatch {
  readonly clientId: string;
  readonly line: number;
  readonly built: BuiltBatch<number>;
  /** The client's events of an unknown type: rejected here, not posted. */
  readonly unknownTypes: readonly UnknownTypeLine[];
}

/** Why an event of `type` is rejected (code MALFORMED, the rest of its body still posted). */
export function unknownTypeReason(type: string): string {
  return `unknown type ${JSON.stringify(excerpt(type))}; known types are ${TABA_TYPE_NAMES.join(', ')} and Taba's other spellings (docs/taba-compatibility.md)`;
}

const TABA_TYPE_NAMES = TAB_TYPES.map(tabaTypeName);

/** Converts each parsed client into an EventBatch; origins are line numbers. */
export function lineClientsToBatches(
  clients: readonly LineClient[],
  nowSeconds: number,
): LineBatch[] {
  return clients.map(client => {
    const builder = new ColumnBuilder<number>();
    for (const event of client.events) builder.add(event, event.line);
    return {
      clientId: client.clientId,
      line: client.line,
      built: builder.build(client.clientId, 0, nowSeconds),
      unknownTypes: client.unknownTypes,
    };
  });
}
