import { describe, expect, it } from 'vitest';
import { parseTabType, TAB_TYPES, tabaTypeName } from './tab-types.js';

describe('parseTabType', () => {
  it("reads the proto names and every name Taba's registry and clients used", () => {
    for (const type of TAB_TYPES) {
      expect(parseTabType(type)).toBe(type);
      expect(parseTabType(tabaTypeName(type))).toBe(type);
    }
    expect(
      Object.fromEntries(
        [
          'Counter',
          'Tab',
          'Percentile',
          'PercentileCounter',
          'PERCENTILE_COUNTER',
          'MovingIntervalCounter',
          'String',
          'ExpiryString',
        ].map(name => [name, parseTabType(name)]),
      ),
    ).toEqual({
      Counter: 'COUNTER_GROUP',
      Tab: 'COUNTER_GROUP',
      Percentile: 'PERCENTILE_GROUP',
      PercentileCounter: 'COUNTER_GROUP',
      PERCENTILE_COUNTER: 'COUNTER_GROUP',
      MovingIntervalCounter: 'COUNTER_GROUP',
      String: 'GAUGE',
      ExpiryString: 'EXPIRY_GAUGE',
    });
  });

  it('knows no other name, not even an object property', () => {
    for (const name of ['Nope', 'counter', 'toString', 'constructor', '__proto__', 'Noop']) {
      expect(parseTabType(name)).toBeUndefined();
    }
  });
});
