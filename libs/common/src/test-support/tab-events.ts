import type { EventColumns } from '../handlers/columns.js';
import { columnsOf } from '../handlers/columns.js';
import type { AnyTabHandler, TabParams } from '../handlers/handler.js';
import type { TabTypeName } from '../handlers/tab-types.js';
import type { SeededRandom } from './seeded-random.js';

/** One generated event with the client that sent it. */
export interface ClientEvent {
  readonly clientId: string;
  readonly timestamp: number;
  readonly value: number | string;
  readonly expiry?: number;
}

export const HISTOGRAM_BOUNDS = [-100, 0, 10, 100] as const;

export function paramsFor(type: TabTypeName): TabParams {
  return type === 'HISTOGRAM' ? { bounds: HISTOGRAM_BOUNDS } : {};
}

const WORDS = ['ok', 'degraded', 'down', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];

/**
 * Events of the right value kind for `type`, spread over the last two hours.
 * Numbers are multiples of 1/8 so that sums are exact in any order.
 */
export function generateEvents(
  type: TabTypeName,
  random: SeededRandom,
  count: number,
  now: number,
  clients: readonly string[],
): ClientEvent[] {
  const events: ClientEvent[] = [];
  for (let i = 0; i < count; i += 1) {
    const timestamp = now - random.int(0, 7200 * 8) / 8;
    const numeric = random.int(-4000, 4000) / 8;
    const stringValued =
      type === 'GAUGE' || type === 'EXPIRY_GAUGE' || type === 'BUFFER' || type === 'UNIQUE';
    const value = stringValued && random.next() < 0.7 ? random.pick(WORDS) : numeric;
    const needsExpiry = type === 'EXPIRY_GAUGE' || type === 'BUFFER';
    const expiry = needsExpiry ? now + random.int(1, 4000) : undefined;
    events.push({
      clientId: random.pick(clients),
      timestamp,
      value,
      ...(expiry === undefined ? {} : { expiry }),
    });
  }
  return events;
}

/** Columns for a list of events whose values are all numbers or all strings, mixed lists split. */
function columnGroups(events: readonly ClientEvent[]): EventColumns[] {
  const numbers = events.filter(event => typeof event.value === 'number');
  const strings = events.filter(event => typeof event.value === 'string');
  return [numbers, strings].filter(group => group.length > 0).map(group => columnsOf(group));
}

/** Folds the events into `state`, client by client, in the given order. */
export function foldEvents<S>(handler: AnyTabHandler, state: S, events: readonly ClientEvent[]): S {
  const byClient = new Map<string, ClientEvent[]>();
  for (const event of events) {
    const list = byClient.get(event.clientId) ?? [];
    list.push(event);
    byClient.set(event.clientId, list);
  }
  for (const [clientId, list] of byClient) {
    for (const columns of columnGroups(list)) handler.fold(state, columns, { clientId });
  }
  return state;
}
