import { describe, expect, it } from 'vitest';
import { ManualClock } from '../handlers/clock.js';
import { createHandlerRegistry } from '../handlers/registry.js';
import { TAB_TYPES } from '../handlers/tab-types.js';
import { SeededRandom } from '../test-support/seeded-random.js';
import { foldEvents, generateEvents, paramsFor } from '../test-support/tab-events.js';
import { encodeStateOps, stateToOps } from './state-codec.js';
import { decodeTabOps, encodeTabOps } from './tab-ops.js';

const NOW = 1_763_805_600;
const context = { client: 'bidder-1', uniqPrefix: '7', bufferCapacity: 40 };

describe.each(TAB_TYPES)('%s encodeStateOps', type => {
  const registry = createHandlerRegistry({ clock: new ManualClock(NOW) });
  const handler = registry[type];

  it('writes the same bytes as encodeTabOps(stateToOps(…)), from the numbers', () => {
    for (let round = 0; round < 20; round += 1) {
      const random = new SeededRandom(500 + round);
      const events = generateEvents(type, random, random.int(0, 300), NOW, ['bidder-1', 'b-2']);
      const state = foldEvents(handler, handler.create(paramsFor(type)), events);
      const text = stateToOps(type, state, context);
      const bytes = encodeStateOps(type, state, context);
      expect(bytes.equals(encodeTabOps(text))).toBe(true);
      expect(decodeTabOps(bytes)).toEqual(text);
    }
  });
});
