import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../test-support/seeded-random.js';
import type { ClientEvent } from '../test-support/tab-events.js';
import { foldEvents, generateEvents, paramsFor } from '../test-support/tab-events.js';
import { ManualClock } from './clock.js';
import type { AnyTabHandler } from './handler.js';
import { createHandlerRegistry } from './registry.js';
import { TAB_TYPES } from './tab-types.js';

const NOW = 1_763_805_600;
const CLIENTS = ['bidder-1', 'bidder-2', 'bidder-3'];

/** Folds `events` into a fresh Delta. */
function delta(
  handler: AnyTabHandler,
  type: (typeof TAB_TYPES)[number],
  events: readonly ClientEvent[],
) {
  return foldEvents(handler, handler.create(paramsFor(type)), events);
}

/** Splits `items` at random into `parts` contiguous (possibly empty) runs. */
function split<T>(random: SeededRandom, items: readonly T[], parts: number): T[][] {
  const cuts = Array.from({ length: parts - 1 }, () => random.int(0, items.length)).sort(
    (a, b) => a - b,
  );
  const out: T[][] = [];
  let start = 0;
  for (const cut of [...cuts, items.length]) {
    out.push(items.slice(start, cut));
    start = cut;
  }
  return out;
}

describe.each(TAB_TYPES)('%s fold and merge', type => {
  const clock = new ManualClock(NOW);
  // A small buffer so that keeping the newest N is exercised by every merge.
  const registry = createHandlerRegistry({ clock, settings: { bufferCapacity: 40 } });
  const handler = registry[type];

  it('gives the same State and render for any order and split of the events', () => {
    for (let round = 0; round < 12; round += 1) {
      const random = new SeededRandom(1000 + round);
      const events = generateEvents(type, random, 400, NOW, CLIENTS);
      const whole = delta(handler, type, events);

      const shuffled = random.shuffle([...events]);
      const deltas = split(random, shuffled, random.int(2, 9)).map(part =>
        delta(handler, type, part),
      );
      // Merge in a random tree: repeatedly merge two random deltas.
      while (deltas.length > 1) {
        const a = deltas.splice(random.int(0, deltas.length - 1), 1)[0];
        const b = deltas.splice(random.int(0, deltas.length - 1), 1)[0];
        deltas.push(handler.merge(a, b));
      }
      const merged = deltas[0];

      expect(merged).toEqual(whole);
      expect(handler.render(merged, 'aggregate')).toEqual(handler.render(whole, 'aggregate'));
      expect(handler.renderDetail(merged, 'aggregate')).toEqual(
        handler.renderDetail(whole, 'aggregate'),
      );
    }
  });

  it('merges associatively and commutatively, leaving the merged-in State unchanged', () => {
    const random = new SeededRandom(77);
    const [ea, eb, ec] = [0, 1, 2].map(() => generateEvents(type, random, 150, NOW, CLIENTS));
    const make = (events: ClientEvent[] | undefined) => delta(handler, type, events ?? []);

    const left = handler.merge(handler.merge(make(ea), make(eb)), make(ec));
    const right = handler.merge(make(ea), handler.merge(make(eb), make(ec)));
    expect(left).toEqual(right);
    expect(handler.merge(make(ea), make(eb))).toEqual(handler.merge(make(eb), make(ea)));

    const b = make(eb);
    handler.merge(make(ea), b);
    handler.merge(make(ec), b);
    expect(b).toEqual(make(eb));
  });

  it('merging an empty State changes nothing', () => {
    const random = new SeededRandom(5);
    const events = generateEvents(type, random, 100, NOW, CLIENTS);
    const empty = handler.create(paramsFor(type));
    expect(handler.merge(delta(handler, type, events), empty)).toEqual(
      delta(handler, type, events),
    );
    expect(handler.merge(handler.create(paramsFor(type)), delta(handler, type, events))).toEqual(
      delta(handler, type, events),
    );
  });
});
