import { describe, expect, it } from 'vitest';
import { SeededRandom } from '../test-support/seeded-random.js';
import { foldEvents, generateEvents } from '../test-support/tab-events.js';
import { ManualClock } from './clock.js';
import { createHandlerRegistry } from './registry.js';

const NOW = 1_763_805_600;

describe('Buffer fold', () => {
  const registry = createHandlerRegistry({
    clock: new ManualClock(NOW),
    settings: { bufferCapacity: 40 },
  });
  const handler = registry.BUFFER;

  it('keeps the same newest entries, in order, folding events one at a time or all at once', () => {
    for (let round = 0; round < 20; round += 1) {
      const random = new SeededRandom(500 + round);
      // Many ties: a few timestamps, so order falls to expiry and value.
      const events = generateEvents('BUFFER', random, 300, NOW, ['c1']).map(event => ({
        ...event,
        timestamp: NOW - random.int(0, 3),
      }));
      const whole = foldEvents(handler, handler.create({}), events);
      const oneByOne = handler.create({});
      for (const event of events) foldEvents(handler, oneByOne, [event]);
      expect(oneByOne).toEqual(whole);
      expect(whole.entries).toHaveLength(40);
    }
  });

  it('gives the same State for 20,000 one-event columns of one Tab folded one by one (the insert path) as at once', () => {
    const random = new SeededRandom(9);
    const events = generateEvents('BUFFER', random, 20_000, NOW, ['c1']);
    const state = handler.create({});
    for (const event of events) foldEvents(handler, state, [event]);
    const whole = foldEvents(handler, handler.create({}), events);
    expect(state).toEqual(whole);
  });
});
