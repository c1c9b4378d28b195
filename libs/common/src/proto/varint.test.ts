import { describe, expect, it } from 'vitest';
import { writeVarint } from './varint.js';

describe('writeVarint', () => {
  it('writes protobuf varints, also past 2^32, and returns the next offset', () => {
    const cases: [number, number[]][] = [
      [0, [0]],
      [127, [0x7f]],
      [128, [0x80, 0x01]],
      [300, [0xac, 0x02]],
      [2 ** 32, [0x80, 0x80, 0x80, 0x80, 0x10]],
      [2 ** 53 - 1, [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x0f]],
    ];
    for (const [value, expected] of cases) {
      const bytes = new Uint8Array(10);
      expect(writeVarint(bytes, 1, value)).toBe(1 + expected.length);
      expect([...bytes.subarray(1, 1 + expected.length)]).toEqual(expected);
    }
  });
});
