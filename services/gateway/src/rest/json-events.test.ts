import { InvalidArgumentError } from '@taba/common';
import { describe, expect, it } from 'vitest';
import { mapRejections } from './event-columns.js';
import { eventsBodyToBatch, INVALID_BODY } from './json-events.js';
import { eventsResult } from './responses.js';

const NOW = 1_763_800_100;

function failureOf(body: unknown): InvalidArgumentError {
  try {
    eventsBodyToBatch(body, NOW);
  } catch (error) {
    if (error instanceof InvalidArgumentError) return error;
    throw error;
  }
  throw new Error('expected the body to be refused');
}

describe('eventsBodyToBatch', () => {
  it('groups events by name, type, value kind and bounds, keeping each event’s index', () => {
    const built = eventsBodyToBatch(
      {
        client: 'c1',
        seq: 7,
        events: [
          { name: 'bid', type: 'CounterGroup', value: 0.23, timestamp: 1_763_800_000.5 },
          { name: 'who', type: 'GAUGE', value: 'alice' },
          { name: 'bid', value: 2 },
          { name: 'who', type: 'Gauge', value: 3 },
          { name: 'temp', type: 'ExpiryGauge', value: [21.5, 1_763_900_000] },
          { name: 'lat', type: 'Histogram', value: 3, bounds: [1, 5] },
          { name: 'lat', type: 'Histogram', value: 9, bounds: [1, 5] },
          { name: 'lat', type: 'Histogram', value: 9, bounds: [1, 10] },
          { name: 'who', type: 'Gauge', value: 'bob', timestamp: 1_763_800_050 },
        ],
      },
      NOW,
    );

    expect(built.eventCount).toBe(9);
    expect(built.batch).toMatchObject({ clientId: 'c1', seq: 7, sentAt: 0 });
    expect(built.batch.tabs).toEqual([
      {
        name: 'bid',
        type: 'COUNTER_GROUP',
        timestamps: [1_763_800_000.5, NOW],
        values: [0.23, 2],
        strings: [],
        expiries: [],
        bounds: [],
      },
      {
        name: 'who',
        type: 'GAUGE',
        timestamps: [NOW, 1_763_800_050],
        values: [],
        strings: ['alice', 'bob'],
        expiries: [],
        bounds: [],
      },
      {
        name: 'who',
        type: 'GAUGE',
        timestamps: [],
        values: [3],
        strings: [],
        expiries: [],
        bounds: [],
      },
      {
        name: 'temp',
        type: 'EXPIRY_GAUGE',
        timestamps: [],
        values: [21.5],
        strings: [],
        expiries: [1_763_900_000],
        bounds: [],
      },
      {
        name: 'lat',
        type: 'HISTOGRAM',
        timestamps: [],
        values: [3, 9],
        strings: [],
        expiries: [],
        bounds: [1, 5],
      },
      {
        name: 'lat',
        type: 'HISTOGRAM',
        timestamps: [],
        values: [9],
        strings: [],
        expiries: [],
        bounds: [1, 10],
      },
    ]);
    expect(built.origins).toEqual([[0, 2], [1, 8], [3], [4], [5, 6], [7]]);
  });

  it('defaults seq to 0 and type to CounterGroup, and accepts an empty events list', () => {
    const built = eventsBodyToBatch({ client: 'c1', events: [{ name: 'a', value: 1 }] }, NOW);
    expect(built.batch.seq).toBe(0);
    expect(built.batch.tabs?.[0]?.type).toBe('COUNTER_GROUP');
    expect(eventsBodyToBatch({ client: 'c1', events: [] }, NOW).batch.tabs).toEqual([]);
  });

  it('passes a session on, and sends none without one', () => {
    const body = { client: 'c1', seq: 3, events: [] };
    const withSession = eventsBodyToBatch({ ...body, session: 1_763_800_000_000_123 }, NOW);
    expect(withSession.batch).toMatchObject({ seq: 3, session: 1_763_800_000_000_123 });
    expect(eventsBodyToBatch(body, NOW).batch).not.toHaveProperty('session');
  });

  it.each([
    [null, 'the body must be a JSON object'],
    [[1], 'the body must be a JSON object'],
    [{ events: [] }, 'client must be a string'],
    [
      { client: 'c', events: [], extra: 1 },
      'the body has the unknown field "extra"; allowed: client, seq, session, events',
    ],
    [{ client: 'c', seq: -1, events: [] }, 'seq must be a non-negative integer'],
    [{ client: 'c', seq: 1.5, events: [] }, 'seq must be a non-negative integer'],
    [{ client: 'c', seq: '7', events: [] }, 'seq must be a non-negative integer'],
    [
      { client: 'c', seq: 2 ** 53, events: [] },
      'seq must be a non-negative integer up to 2^53 - 1',
    ],
    [{ client: 'c', session: -3, events: [] }, 'session must be a non-negative integer'],
    [{ client: 'c', session: 'x', events: [] }, 'session must be a non-negative integer'],
    [{ client: 'c' }, 'events must be an array'],
    [{ client: 'c', events: [{ name: 'a', value: 1 }, 5] }, 'events[1] must be an object'],
    [{ client: 'c', events: [{ value: 1 }] }, 'events[0].name must be a string'],
    [
      { client: 'c', events: [{ name: 'a', value: 1, when: 3 }] },
      'events[0] has the unknown field "when"',
    ],
    [
      { client: 'c', events: [{ name: 'a', type: 'Nope', value: 1 }] },
      'events[0].type "Nope" is not a Tab type; use one of CounterGroup, PercentileGroup',
    ],
    [
      { client: 'c', events: [{ name: 'a', type: 7, value: 1 }] },
      'events[0].type 7 is not a Tab type',
    ],
    [
      {
        client: 'c',
        events: [
          { name: 'a', value: 1 },
          { name: 'a', value: null },
        ],
      },
      'events[1].value must be a number, a string or [value, expiry]',
    ],
    [
      { client: 'c', events: [{ name: 'a' }] },
      'events[0].value must be a number, a string or [value, expiry]',
    ],
    [
      { client: 'c', events: [{ name: 'a', value: [1] }] },
      'events[0].value must be a number, a string or [value, expiry]',
    ],
    [
      { client: 'c', events: [{ name: 'a', value: [1, 'soon'] }] },
      'events[0].value must be a number, a string or [value, expiry]',
    ],
    [
      { client: 'c', events: [{ name: 'a', value: 1, timestamp: '2025' }] },
      'events[0].timestamp must be a number of epoch seconds',
    ],
    [
      { client: 'c', events: [{ name: 'a', value: 1, bounds: [1, '2'] }] },
      'events[0].bounds must be an array of numbers',
    ],
  ])('refuses %j: %s', (body, message) => {
    const failure = failureOf(body);
    expect(failure.reason).toBe(INVALID_BODY);
    expect(failure.message).toContain(message);
  });
});

describe('rejections of a REST batch', () => {
  it('name the position in the request’s events array', () => {
    const built = eventsBodyToBatch(
      {
        client: 'c1',
        events: [
          { name: 'a', value: 1 },
          { name: 'b', value: 'x' },
          { name: 'a', value: 2 },
        ],
      },
      NOW,
    );
    const rejected = [
      { index: 1, tab: 0, event: 1, code: 'LATE' as const, reason: 'late', batch: 0 },
      { index: 2, tab: 1, event: 0, code: 'INVALID_VALUE' as const, reason: 'bad', batch: 0 },
      { index: 9, tab: 5, event: 0, code: 'MALFORMED' as const, reason: '?', batch: 0 },
    ];

    expect(mapRejections(rejected, built.origins).map(rejection => rejection.origin)).toEqual([
      2,
      1,
      undefined,
    ]);
    expect(
      eventsResult(
        {
          applied: 1,
          rejectedCount: 3,
          rejected,
          duplicate: false,
          fencedOlderSession: false,
          fencedSession: 0,
        },
        built.origins,
      ),
    ).toEqual({
      applied: 1,
      rejected: [
        { index: null, reason: '?', code: 'MALFORMED' },
        { index: 1, reason: 'bad', code: 'INVALID_VALUE' },
        { index: 2, reason: 'late', code: 'LATE' },
      ],
      rejectedCount: 3,
      duplicate: false,
    });
  });
});
