import type { BufferEntry, BufferState } from '../handlers/buffer.js';
import type { GaugeEntry, GaugeState } from '../handlers/gauge.js';
import type { StoredState } from './stored-state.js';
import type { HashOpsSink } from './tab-ops.js';

// A value keeps its kind: `n<number>` or `s<string>`; it always comes last, so it may
// contain the `|` separator.
function encodeValue(value: number | string): string {
  return typeof value === 'number' ? `n${value}` : `s${value}`;
}

function decodeValue(text: string): number | string {
  return text.startsWith('n') ? Number(text.slice(1)) : text.slice(1);
}

/** Splits `a|b|…|rest` into `count` parts, the last keeping any further `|`. */
function splitParts(text: string, count: number): string[] {
  const parts: string[] = [];
  let start = 0;
  for (let i = 0; i < count - 1; i += 1) {
    const bar = text.indexOf('|', start);
    if (bar < 0) return [];
    parts.push(text.slice(start, bar));
    start = bar + 1;
  }
  parts.push(text.slice(start));
  return parts;
}

const GAUGE_FIELD_PREFIX = 'g:';

/** One `g` op per client: the field is the client, the value `ts|expires|value`. */
export function gaugeOps(state: GaugeState, ops: HashOpsSink): void {
  for (const [client, entry] of state) {
    ops.text(
      `${GAUGE_FIELD_PREFIX}${client}`,
      `${entry.timestamp}|${entry.expires}|${encodeValue(entry.value)}`,
    );
  }
}

export function restoreGauge(hash: StoredState['hash'], state: GaugeState): GaugeState {
  for (const [field, text] of Object.entries(hash)) {
    if (!field.startsWith(GAUGE_FIELD_PREFIX)) continue;
    const [timestamp, expires, value] = splitParts(text, 3);
    if (value === undefined) continue;
    const entry: GaugeEntry = {
      timestamp: Number(timestamp),
      expires: Number(expires),
      value: decodeValue(value),
    };
    state.set(field.slice(GAUGE_FIELD_PREFIX.length), entry);
  }
  return state;
}

/**
 * Buffer entries as sorted-set members `ts|expires|client|uniq|value`, scored by ts.
 * `uniq` keeps equal events apart (`<seq>.<i>`: the same on a retry, so re-adding is
 * harmless); the client keeps different clients' equal events apart in the all-clients set.
 */
export function bufferEntries(state: BufferState, client: string, uniqPrefix: string): string[] {
  const entries: string[] = [];
  state.entries.forEach((entry, i) => {
    entries.push(
      String(entry.timestamp),
      `${entry.timestamp}|${entry.expires}|${client}|${uniqPrefix}.${i}|${encodeValue(entry.value)}`,
    );
  });
  return entries;
}

export function restoreBuffer(buffer: StoredState['buffer'], state: BufferState): BufferState {
  const entries: BufferEntry[] = [];
  for (const [member] of buffer) {
    const [timestamp, expires, , , value] = splitParts(member, 5);
    if (value === undefined) continue;
    entries.push({
      timestamp: Number(timestamp),
      expires: Number(expires),
      value: decodeValue(value),
    });
  }
  state.entries = entries;
  return state;
}
