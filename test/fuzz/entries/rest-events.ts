// POST /v1/events: valid bodies, mutations of their value tree and of their text, random
// bytes, other encodings, huge and deeply nested bodies.
import { mutateBytes, randomBytes } from '../byte-mutator.js';
import type { EntryPoint, InputMode } from '../fuzz-input.js';
import type { HttpInput } from '../http-calls.js';
import { HttpTarget } from '../http-calls.js';
import { eventsJson, mutateJson, validEventsJson } from '../json-inputs.js';
import { fuzzClient, validColumn } from '../fuzz-events.js';
import type { SeededRandom } from '../../../libs/common/src/test-support/seeded-random.js';
import { sized } from '../sizes.js';

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'text/plain',
  'application/json; charset=iso-8859-1',
  'application/x-www-form-urlencoded',
];

/**
 * A body and what kind it is. Shallow: text mutations and random bytes, mostly refused by the
 * gateway's JSON parsing. Deep: valid bodies, tree mutations and ISO-8859-1 text, mostly
 * reaching ingest. Heavy: the largest tree edits, arrays nested up to 1,000,000 deep, or up
 * to 50,000 events.
 */
function body(random: SeededRandom, now: number, mode: InputMode): { shape: string; body: Buffer } {
  const text = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8');
  if (mode === 'heavy') {
    const roll = random.int(0, 2);
    if (roll === 0) {
      return {
        shape: 'json-mutated',
        body: text(mutateJson(validEventsJson(random, now), random, true)),
      };
    }
    if (roll === 1) {
      const depth = sized(random, 1_000_000, true);
      return { shape: 'deep', body: Buffer.from(`${'['.repeat(depth)}${']'.repeat(depth)}`) };
    }
    const column = validColumn(random, random.int(0, 31), sized(random, 50_000, true), now);
    const batch = { clientId: fuzzClient(random), seq: 0, sentAt: 0, tabs: [column] };
    return { shape: 'many-events', body: text(eventsJson(batch)) };
  }
  const roll = random.next();
  if (mode === 'shallow') {
    if (roll < 0.9) {
      return {
        shape: 'text-mutated',
        body: mutateBytes(text(validEventsJson(random, now)), random),
      };
    }
    return { shape: 'random', body: randomBytes(random, random.int(0, 512)) };
  }
  if (roll < 0.3) return { shape: 'valid', body: text(validEventsJson(random, now)) };
  if (roll < 0.85) {
    return {
      shape: 'json-mutated',
      body: text(mutateJson(validEventsJson(random, now), random, false)),
    };
  }
  const events = {
    client: fuzzClient(random),
    events: [{ name: 'fuzz.gauge.3', type: 'Gauge', value: 'grün' }],
  };
  return { shape: 'latin1', body: Buffer.from(JSON.stringify(events), 'latin1') };
}

export function restEvents(
  restUrl: string,
  now: number,
  connections: number,
): EntryPoint<HttpInput> {
  const target = new HttpTarget(restUrl, connections);
  return {
    generate: (random, mode) => {
      const made = body(random, now, mode);
      const path =
        random.next() < 0.03
          ? `/v1/events?${random.pick(['seq=1', 'client=x', 're=1', '%zz'])}`
          : '/v1/events';
      return {
        shape: made.shape,
        method: 'POST',
        path,
        headers: { 'content-type': random.pick(CONTENT_TYPES) },
        body: made.body,
      };
    },
    send: (input, timeoutMs) => target.send(input, timeoutMs),
    close: () => target.close(),
  };
}
