import type { TabTypeName } from '@taba/common';
import { cardinalityReport, TabaError, tabaTypeName } from '@taba/common';
import type {
  AggregatesResponse__Output,
  CardinalityResponse__Output,
  PostEventsResponse__Output,
  ProjectionsResponse__Output,
  RejectCode__Output,
  TabType__Output,
  TypesResponse__Output,
} from '../contract.js';
import type { MappedRejection } from './event-columns.js';
import { mapRejections } from './event-columns.js';

/**
 * Shapes query and ingest answers into REST bodies. Rendered bodies are JSON text: they are
 * parsed and embedded as values (never as strings of JSON). Objects keyed by Tab name or client
 * ID have no prototype, so a name like `__proto__` is just a key.
 */

function keyed<T>(): Record<string, T> {
  return Object.create(null) as Record<string, T>;
}

/** Parses a rendered body; one that is not JSON is a fault of the query service (500). */
export function parseRender(body: string, what: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch (error) {
    throw new TabaError('INTERNAL', 'INVALID_RENDER', `the render of ${what} is not JSON`, {
      cause: error,
    });
  }
}

/** `{"<name>": <render>, …}` */
export function aggregatesJson(response: AggregatesResponse__Output): string {
  const tabs = keyed<unknown>();
  for (const tab of response.tabs) tabs[tab.name] = parseRender(tab.body, tab.name);
  return JSON.stringify(tabs);
}

/** One `<name>: <text render>` line per Tab. */
export function aggregatesText(response: AggregatesResponse__Output): string {
  return response.tabs.map(tab => `${tab.name}: ${tab.body}\n`).join('');
}

/** `{"<name>": {"<client>": <render>, …}, …}` */
export function projectionsJson(response: ProjectionsResponse__Output): string {
  const tabs = keyed<Record<string, unknown>>();
  for (const tab of response.tabs) {
    const clients = keyed<unknown>();
    for (const client of tab.clients) {
      clients[client.clientId] = parseRender(client.body, `${tab.name} of ${client.clientId}`);
    }
    tabs[tab.name] = clients;
  }
  return JSON.stringify(tabs);
}

/** One `<name> <client>: <text render>` line per Tab and client (neither contains a space). */
export function projectionsText(response: ProjectionsResponse__Output): string {
  return response.tabs
    .flatMap(tab => tab.clients.map(client => `${tab.name} ${client.clientId}: ${client.body}\n`))
    .join('');
}

/** Taba's spelling of a type as read back (CounterGroup); an unknown one as sent. */
export function typeName(type: TabType__Output | number): string {
  if (typeof type !== 'string') return String(type);
  return type === 'TAB_TYPE_UNSPECIFIED' ? 'Unspecified' : tabaTypeName(type as TabTypeName);
}

/** A histogram's entry in `GET /v1/types`. */
export interface HistogramTypeEntry {
  readonly type: 'Histogram';
  readonly bounds: number[];
}

/**
 * `{"<name>": "CounterGroup", "<histogram name>": {"type": "Histogram", "bounds": […]}, …}`:
 * the type in Taba's spelling, and for histograms an object that adds the bucket bounds.
 */
export function typesJson(response: TypesResponse__Output): string {
  const types = keyed<string | HistogramTypeEntry>();
  for (const entry of response.types) {
    types[entry.name] =
      entry.type === 'HISTOGRAM'
        ? { type: 'Histogram', bounds: entry.bounds }
        : typeName(entry.type);
  }
  return JSON.stringify(types);
}

/**
 * `GET /v1/cardinality`: `{"tabs", "clients", "states", "topTabs": [{"name", "clients"}],
 * "topClients": [{"client", "tabs"}]}`.
 */
export function cardinalityJson(response: CardinalityResponse__Output): string {
  return JSON.stringify(cardinalityReport(response));
}

/** A rejected event of `POST /v1/events`. */
export interface EventRejection {
  /** Position of the event in the request's `events` array (null: ingest named an unknown event). */
  readonly index: number | null;
  readonly reason: string;
  readonly code: RejectCode__Output;
}

/** The answer of `POST /v1/events`. */
export interface EventsResult {
  readonly applied: number;
  readonly rejected: EventRejection[];
  readonly rejectedCount: number;
  readonly duplicate: boolean;
  /** Present (true) only when this batch's session fenced an older one of the same client. */
  readonly fencedOlderSession?: true;
  /** With fencedOlderSession: the newest session fenced (0: it posted without a session). */
  readonly fencedSession?: number;
}

/** Ingest's answer with every rejection's index mapped back to the request's `events`. */
export function eventsResult(
  response: PostEventsResponse__Output,
  origins: readonly (readonly number[])[],
): EventsResult {
  const rejected = mapRejections(response.rejected, origins)
    .map(({ origin, reason, code }) => ({ index: origin ?? null, reason, code }))
    .sort((a, b) => (a.index ?? -1) - (b.index ?? -1));
  return {
    applied: response.applied,
    rejected,
    rejectedCount: response.rejectedCount,
    duplicate: response.duplicate,
    ...(response.fencedOlderSession
      ? { fencedOlderSession: true, fencedSession: response.fencedSession }
      : {}),
  };
}

/** A rejected event of `POST /post`. */
export interface LineRejection {
  readonly client: string;
  /** The event's line in the body (null: ingest named an unknown event). */
  readonly line: number | null;
  readonly reason: string;
  readonly code: RejectCode__Output;
}

/** The answer of `POST /post`, summed over the body's clients. */
export interface LineResult {
  readonly applied: number;
  readonly rejectedCount: number;
  readonly rejected: LineRejection[];
}

/** Sums the answers to each client's batch; rejections name the client and the line. */
export function lineResult(
  answers: readonly {
    readonly clientId: string;
    /** Ingest's answer; none when the client had no event to post. */
    readonly response?: PostEventsResponse__Output;
    readonly origins: readonly (readonly number[])[];
    /** Events the gateway rejected itself (an unknown type), each with its line. */
    readonly localRejections?: readonly { readonly line: number; readonly reason: string }[];
  }[],
): LineResult {
  let applied = 0;
  let rejectedCount = 0;
  const rejected: LineRejection[] = [];
  for (const { clientId, response, origins, localRejections = [] } of answers) {
    for (const { line, reason } of localRejections) {
      rejected.push({ client: clientId, line, reason, code: 'MALFORMED' });
    }
    rejectedCount += localRejections.length;
    if (response === undefined) continue;
    applied += response.applied;
    rejectedCount += response.rejectedCount;
    const mapped: MappedRejection<number>[] = mapRejections(response.rejected, origins);
    for (const { origin, reason, code } of mapped) {
      rejected.push({ client: clientId, line: origin ?? null, reason, code });
    }
  }
  rejected.sort((a, b) => (a.line ?? -1) - (b.line ?? -1));
  return { applied, rejectedCount, rejected };
}
