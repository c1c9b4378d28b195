import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors/taba-error.js';
import { ManualClock } from './clock.js';
import { createHandlerRegistry } from './registry.js';
import type { ColumnInput } from './validation.js';
import { checkClientId, DEFAULT_EVENT_LIMITS, validateColumn } from './validation.js';

const NOW = 1_763_805_600;
const clock = new ManualClock(NOW);
const registry = createHandlerRegistry({ clock });
const time = { now: NOW, sentAt: 0 };

function column(overrides: Partial<ColumnInput>): ColumnInput {
  return {
    name: 'bid.price',
    type: 'COUNTER_GROUP',
    timestamps: [],
    values: [],
    strings: [],
    expiries: [],
    bounds: [],
    ...overrides,
  };
}

function codes(result: ReturnType<typeof validateColumn>) {
  return result.rejections.map(rejection => [rejection.event, rejection.code]);
}

describe('validateColumn', () => {
  it('accepts good events and defaults their time to sent_at, else now', () => {
    const result = validateColumn(column({ values: [1, 2.5] }), registry, {
      now: NOW,
      sentAt: NOW - 10,
    });
    expect(result.rejections).toEqual([]);
    expect(Array.from(result.columns.selection)).toEqual([0, 1]);
    expect(Array.from(result.columns.timestamps)).toEqual([NOW - 10, NOW - 10]);
    expect(
      Array.from(validateColumn(column({ values: [1] }), registry, time).columns.timestamps),
    ).toEqual([NOW]);
  });

  it('treats an unspecified type as COUNTER_GROUP', () => {
    expect(
      validateColumn(column({ type: 'TAB_TYPE_UNSPECIFIED', values: [1] }), registry, time).type,
    ).toBe('COUNTER_GROUP');
  });

  it('rejects NaN, ±Infinity with a reason each and applies the rest', () => {
    const result = validateColumn(
      column({ values: [1, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 5] }),
      registry,
      time,
    );
    expect(codes(result)).toEqual([
      [1, 'INVALID_VALUE'],
      [2, 'INVALID_VALUE'],
      [3, 'INVALID_VALUE'],
    ]);
    expect(result.rejections[0]?.reason).toBe('value NaN is not a finite number');
    expect(result.rejections[1]?.reason).toBe('value Infinity is not a finite number');
    expect(Array.from(result.columns.selection)).toEqual([0, 4]);
    const state = registry.COUNTER_GROUP.fold(registry.COUNTER_GROUP.create({}), result.columns, {
      clientId: 'c',
    });
    expect(registry.COUNTER_GROUP.render(state, 'aggregate').lifetime).toMatchObject({
      count: 2,
      total: 6,
    });
  });

  it('rejects strings where numbers are due', () => {
    const result = validateColumn(column({ strings: ['12', 'x'] }), registry, time);
    expect(codes(result)).toEqual([
      [0, 'INVALID_VALUE'],
      [1, 'INVALID_VALUE'],
    ]);
    expect(result.rejections[0]?.reason).toBe('CounterGroup needs numbers, got strings');
  });

  it('rejects empty, over-long and badly spelled names for every event of the column', () => {
    expect(validateColumn(column({ name: '', values: [1, 2] }), registry, time).rejections).toEqual(
      [
        { event: 0, code: 'INVALID_NAME', reason: 'name is empty' },
        { event: 1, code: 'INVALID_NAME', reason: 'name is empty' },
      ],
    );
    const long = 'x'.repeat(DEFAULT_EVENT_LIMITS.maxNameLength + 1);
    expect(
      validateColumn(column({ name: long, values: [1] }), registry, time).rejections[0]?.reason,
    ).toBe('name is 257 characters long; the limit is 256');
    const spaced = validateColumn(column({ name: 'bid price', values: [1] }), registry, time);
    expect(spaced.rejections[0]?.code).toBe('INVALID_NAME');
    expect(spaced.rejections[0]?.reason).toMatch(
      /^name "bid price" has the disallowed character " "/,
    );
    expect(
      validateColumn(column({ name: 'a,b', values: [1] }), registry, time).rejections[0]?.code,
    ).toBe('INVALID_NAME');
  });

  it('refuses late and future events, counted, never applied', () => {
    const oldest = NOW - DEFAULT_EVENT_LIMITS.lateSeconds;
    const newest = NOW + DEFAULT_EVENT_LIMITS.futureSkewSeconds;
    const result = validateColumn(
      column({
        values: [1, 2, 3, 4, 5],
        timestamps: [oldest - 0.001, oldest, newest, newest + 0.001, 0],
      }),
      registry,
      time,
    );
    expect(codes(result)).toEqual([
      [0, 'LATE'],
      [3, 'FUTURE'],
      [4, 'INVALID_TIMESTAMP'],
    ]);
    expect(result.rejections[0]?.reason).toBe(
      `timestamp ${oldest - 0.001} is 86400s old; the limit is 86400s`,
    );
    expect(result.rejections[1]?.reason).toBe(
      `timestamp ${newest + 0.001} is 300s ahead; the clock-skew limit is 300s`,
    );
    const state = registry.COUNTER_GROUP.fold(registry.COUNTER_GROUP.create({}), result.columns, {
      clientId: 'c',
    });
    expect(registry.COUNTER_GROUP.render(state, 'aggregate').lifetime).toMatchObject({
      count: 2,
      total: 5,
    });
  });

  it('follows configured limits', () => {
    const limits = {
      ...DEFAULT_EVENT_LIMITS,
      lateSeconds: 60,
      futureSkewSeconds: 1,
      maxNameLength: 3,
    };
    expect(
      codes(
        validateColumn(column({ values: [1], timestamps: [NOW - 61] }), registry, time, limits),
      ),
    ).toEqual([[0, 'INVALID_NAME']]);
    const short = column({ name: 'ok', values: [1, 2], timestamps: [NOW - 61, NOW + 2] });
    expect(codes(validateColumn(short, registry, time, limits))).toEqual([
      [0, 'LATE'],
      [1, 'FUTURE'],
    ]);
  });

  it('needs an expiry per event for EXPIRY_GAUGE and BUFFER and refuses expired ones', () => {
    expect(
      validateColumn(column({ type: 'BUFFER', strings: ['a', 'b'] }), registry, time).rejections[0],
    ).toEqual({
      event: 0,
      code: 'INVALID_EXPIRY',
      reason: 'Buffer needs one expiry per event; got 0 for 2 events',
    });
    const result = validateColumn(
      column({
        type: 'EXPIRY_GAUGE',
        strings: ['a', 'b', 'c'],
        expiries: [NOW + 10, NOW, Number.NaN],
      }),
      registry,
      time,
    );
    expect(codes(result)).toEqual([
      [1, 'EXPIRED'],
      [2, 'INVALID_EXPIRY'],
    ]);
  });

  it('refuses an expiry past TABA_MAX_EXPIRY_SECONDS (30 days by default) as INVALID_EXPIRY', () => {
    const horizon = DEFAULT_EVENT_LIMITS.maxExpirySeconds;
    expect(horizon).toBe(2_592_000);
    const result = validateColumn(
      column({
        type: 'BUFFER',
        strings: ['a', 'b', 'c'],
        expiries: [NOW + horizon, NOW + horizon + 1, 1e300],
      }),
      registry,
      time,
    );
    expect(result.rejections).toEqual([
      {
        event: 1,
        code: 'INVALID_EXPIRY',
        reason: `expiry ${NOW + horizon + 1} is more than 2592000 s ahead (TABA_MAX_EXPIRY_SECONDS)`,
      },
      {
        event: 2,
        code: 'INVALID_EXPIRY',
        reason: 'expiry 1e+300 is more than 2592000 s ahead (TABA_MAX_EXPIRY_SECONDS)',
      },
    ]);
    const shorter = { ...DEFAULT_EVENT_LIMITS, maxExpirySeconds: 60 };
    const gauge = column({ type: 'EXPIRY_GAUGE', values: [1, 2], expiries: [NOW + 60, NOW + 61] });
    expect(codes(validateColumn(gauge, registry, time, shorter))).toEqual([[1, 'INVALID_EXPIRY']]);
  });

  it('checks histogram bounds and inconsistent columns', () => {
    const histogram = (bounds: number[]) =>
      validateColumn(column({ type: 'HISTOGRAM', values: [1], bounds }), registry, time)
        .rejections[0];
    expect(histogram([])?.reason).toBe('a HISTOGRAM needs bucket bounds');
    expect(histogram([1, 1])?.reason).toBe('bounds must be strictly increasing');
    expect(histogram([1, Number.POSITIVE_INFINITY])?.code).toBe('INVALID_BOUNDS');
    expect(histogram([1, 2])).toBeUndefined();
    expect(
      validateColumn(column({ values: [1], bounds: [1] }), registry, time).rejections[0]?.code,
    ).toBe('MALFORMED');
    expect(
      validateColumn(column({ values: [1, 2], timestamps: [NOW] }), registry, time).rejections[0]
        ?.reason,
    ).toBe('1 timestamps for 2 events');
    expect(
      validateColumn(column({ values: [1], strings: ['a'] }), registry, time).rejections[0]?.code,
    ).toBe('MALFORMED');
    expect(
      validateColumn(column({ values: [1], expiries: [NOW + 1] }), registry, time).rejections[0]
        ?.reason,
    ).toBe('CounterGroup takes no expiries');
  });

  it('rejects a type number this build does not know', () => {
    const result = validateColumn(
      column({ type: undefined, typeCode: 42, values: [1, 2] }),
      registry,
      time,
    );
    expect(codes(result)).toEqual([
      [0, 'MALFORMED'],
      [1, 'MALFORMED'],
    ]);
    expect(result.rejections[0]?.reason).toMatch(
      /^unknown type 42; known types are COUNTER_GROUP, /,
    );
  });

  it('limits string values', () => {
    const long = 'v'.repeat(DEFAULT_EVENT_LIMITS.maxStringLength + 1);
    expect(
      codes(validateColumn(column({ type: 'UNIQUE', strings: ['ok', long] }), registry, time)),
    ).toEqual([[1, 'INVALID_VALUE']]);
  });
});

describe('checkClientId', () => {
  it('throws INVALID_ARGUMENT with the reason', () => {
    expect(() => checkClientId('bidder-17')).not.toThrow();
    expect(() => checkClientId('')).toThrowError(
      new InvalidArgumentError('INVALID_CLIENT_ID', 'client ID is empty'),
    );
    expect(() => checkClientId('a\nb')).toThrowError(/disallowed character "\\n"/);
  });
});
