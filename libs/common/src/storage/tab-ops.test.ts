import { describe, expect, it } from 'vitest';
import { TabaError } from '../errors/taba-error.js';
import type { TabOps } from './tab-ops.js';
import { decodeTabOps, encodeTabOps } from './tab-ops.js';

const EVERY_PART: TabOps = {
  hash: [
    'i',
    'c0:1796345103',
    '2',
    'f',
    't0:1796345103',
    '10.11500951431882',
    'n',
    'min',
    '-0.25',
    'x',
    'max',
    '1e+21',
    'g',
    'g:bidder-1',
    '1763805600|0|sé|x',
  ],
  buffer: { cap: 40, entries: ['1763805600.5', '1763805600.5|0|c1|3.0|n4', '1763805601', 'm2'] },
  registers: [
    { bucket: '0:179634522', expireAtMs: 1_763_900_000_000, pairs: [0, 1, 16383, 50] },
    { bucket: 'L', expireAtMs: 0, pairs: [] },
  ],
};

function reasonOf(bytes: Uint8Array): string {
  try {
    decodeTabOps(bytes);
  } catch (error) {
    if (error instanceof TabaError) return `${error.kind}:${error.reason}`;
    throw error;
  }
  return 'decoded';
}

describe('binary TabOps', () => {
  it('decodes to exactly what was encoded: every op, Buffer entries, register groups', () => {
    expect(decodeTabOps(encodeTabOps(EVERY_PART))).toEqual(EVERY_PART);
    expect(decodeTabOps(encodeTabOps({ hash: [] }))).toEqual({ hash: [] });
  });

  it('is smaller than the JSON it replaces', () => {
    const ops: TabOps = {
      hash: Array.from({ length: 14 }, (_, i) => [
        i % 2 ? 'f' : 'i',
        `c${i}:179634510${i}`,
        String(i * 1.5),
      ]).flat(),
    };
    expect(encodeTabOps(ops).length).toBeLessThan(Buffer.byteLength(JSON.stringify(ops)));
  });

  it('refuses every truncation, trailing bytes, unknown versions and op codes as MALFORMED_DELTA', () => {
    const bytes = encodeTabOps(EVERY_PART);
    for (let length = 0; length < bytes.length; length += 1) {
      expect(reasonOf(bytes.subarray(0, length))).toBe('INVALID_ARGUMENT:MALFORMED_DELTA');
    }
    expect(reasonOf(Buffer.concat([bytes, Buffer.from([0])]))).toBe(
      'INVALID_ARGUMENT:MALFORMED_DELTA',
    );
    const version = Buffer.from(bytes);
    version[0] = 2;
    expect(reasonOf(version)).toBe('INVALID_ARGUMENT:MALFORMED_DELTA');
    const op = Buffer.from(bytes);
    op[2] = 9;
    expect(reasonOf(op)).toBe('INVALID_ARGUMENT:MALFORMED_DELTA');
  });

  it('refuses a count larger than the bytes left before allocating for it', () => {
    const huge = Buffer.from([1, 0xff, 0xff, 0xff, 0x7f]);
    expect(reasonOf(huge)).toBe('INVALID_ARGUMENT:MALFORMED_DELTA');
  });

  it('refuses a number that is not finite', () => {
    const bytes = encodeTabOps({ hash: ['f', 'a', '1.5'] });
    bytes.writeDoubleLE(Number.NaN, bytes.length - 8 - 2);
    expect(reasonOf(bytes)).toBe('INVALID_ARGUMENT:MALFORMED_DELTA');
  });
});
