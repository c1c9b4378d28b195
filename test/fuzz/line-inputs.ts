// Bodies of Taba's line protocol (POST /post): valid ones, line-level edits (dropped,
// repeated, swapped and foreign lines), byte mutations, floods of empty clients.
import type { SeededRandom } from '../../libs/common/src/test-support/seeded-random.js';
import type { InputMode } from './fuzz-input.js';
import { mutateBytes } from './byte-mutator.js';
import type { FuzzBatch } from './fuzz-events.js';
import { fuzzClient, validBatch } from './fuzz-events.js';
import { tabaSpelling } from './json-inputs.js';
import { sized } from './sizes.js';

/** The lines of one client's batch: client, blank, then per name its events and a blank. */
function clientLines(batch: FuzzBatch, now: number): string[] {
  const lines = [batch.clientId, ''];
  for (const column of batch.tabs) {
    lines.push(column.name);
    const count = Math.max(column.values.length, column.strings.length);
    for (let i = 0; i < count; i += 1) {
      const value = column.values[i] ?? column.strings[i] ?? 0;
      const expiry = column.expiries[i];
      const payload = JSON.stringify(expiry === undefined ? value : [value, expiry]);
      lines.push(JSON.stringify([tabaSpelling(column.type), column.timestamps[i] ?? now, payload]));
    }
    lines.push('');
  }
  lines.push('');
  return lines;
}

export function validLines(random: SeededRandom, now: number): string[] {
  const lines = ['1', ''];
  for (let clients = random.int(1, 3); clients > 0; clients -= 1)
    lines.push(...clientLines(validBatch(random, now), now));
  lines.push('');
  return lines;
}

const FOREIGN_LINES = [
  '',
  '1',
  '2',
  '[]',
  '{}',
  'null',
  '["CounterGroup"]',
  '["CounterGroup", 1763800000]',
  '["CounterGroup", 1763800000, 321]',
  '["CounterGroup", "now", "1"]',
  '["Histogram", 1763800000, "1"]',
  '["Nope", 1763800000, "1"]',
  '["CounterGroup", 1e400, "1"]',
  '["ExpiryGauge", 1763800000, "[\\"x\\"]"]',
  '["Gauge", 1763800000, "\\"\\ud800\\""]',
  '\r',
  'grün',
  'fuzz.counter_group.0',
];

/**
 * A line-protocol body and what kind it is. Shallow: byte mutations and foreign lines, mostly
 * refused by the gateway's parser. Deep: valid bodies, edited lines, CRLF and ISO-8859-1,
 * mostly posted. Heavy: floods of up to 200,000 clients without events (each its own batch),
 * or 50,000 events of one name.
 */
export function lineBody(
  random: SeededRandom,
  now: number,
  mode: InputMode,
): { shape: string; body: Buffer } {
  const lines = validLines(random, now);
  const text = (all: readonly string[]) => Buffer.from(all.join('\n'), 'utf8');
  if (mode === 'heavy') {
    if (random.next() < 0.5) {
      // Many clients without events: each becomes a batch of its own.
      const clients = sized(random, 200_000, true);
      const flood = ['1', ''];
      for (let i = 0; i < clients; i += 1) flood.push(`${fuzzClient(random)}-${i}`, '', '');
      return { shape: 'empty-clients', body: text(flood) };
    }
    const long = ['1', '', fuzzClient(random), '', 'fuzz.counter_group.0'];
    for (let i = sized(random, 50_000, true); i > 0; i -= 1) {
      long.push(JSON.stringify(['CounterGroup', now, '1']));
    }
    return { shape: 'many-events', body: text([...long, '', '', '']) };
  }
  if (mode === 'shallow') return { shape: 'text-mutated', body: mutateBytes(text(lines), random) };
  const roll = random.next();
  if (roll < 0.2) return { shape: 'valid', body: text(lines) };
  if (roll < 0.4) return { shape: 'crlf', body: Buffer.from(lines.join('\r\n'), 'utf8') };
  if (roll < 0.5) {
    const latin1 = lines.join('\n').replace(/"ok"/g, '"grün"');
    return { shape: 'latin1', body: Buffer.from(latin1, 'latin1') };
  }
  for (let edits = random.int(1, 4); edits > 0; edits -= 1) {
    const at = random.int(0, lines.length - 1);
    const op = random.int(0, 3);
    if (op === 0) lines.splice(at, 1);
    else if (op === 1) lines.splice(at, 0, lines[at] ?? '');
    else if (op === 2) lines.splice(at, 0, random.pick(FOREIGN_LINES));
    else lines.splice(at, 1, lines[random.int(0, lines.length - 1)] ?? '');
  }
  return { shape: 'line-edited', body: text(lines) };
}
