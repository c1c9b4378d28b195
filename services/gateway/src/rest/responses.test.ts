import { describe, expect, it } from 'vitest';
import {
  aggregatesJson,
  aggregatesText,
  lineResult,
  projectionsJson,
  projectionsText,
  typeName,
  typesJson,
} from './responses.js';

describe('aggregates', () => {
  const response = {
    tabs: [
      { name: 'a', type: 'TOTALS_COUNTER' as const, body: '{"count":1}' },
      { name: '__proto__', type: 'GAUGE' as const, body: '{"values":{}}' },
    ],
  };

  it('embeds each render as JSON under its name, __proto__ being just a name', () => {
    const text = aggregatesJson(response);
    expect(text).toBe('{"a":{"count":1},"__proto__":{"values":{}}}');
    expect(Object.keys(JSON.parse(text) as object)).toEqual(['a', '__proto__']);
  });

  it('prints one name: body line per Tab as text', () => {
    expect(aggregatesText({ tabs: [{ name: 'a', type: 'GAUGE', body: 'values.on=1' }] })).toBe(
      'a: values.on=1\n',
    );
    expect(aggregatesText({ tabs: [] })).toBe('');
  });

  it('fails with INTERNAL (INVALID_RENDER) when a render is not JSON', () => {
    expect(() => aggregatesJson({ tabs: [{ name: 'a', type: 'GAUGE', body: 'count=1' }] })).toThrow(
      expect.objectContaining({ kind: 'INTERNAL', reason: 'INVALID_RENDER' }),
    );
  });
});

describe('projections', () => {
  const response = {
    tabs: [
      {
        name: 'g',
        type: 'GAUGE' as const,
        clients: [
          { clientId: 'x', body: '{"value":1}' },
          { clientId: 'y', body: '{"value":2}' },
        ],
      },
    ],
  };

  it('nests renders by name then client, or prints name client: body lines', () => {
    expect(JSON.parse(projectionsJson(response))).toEqual({
      g: { x: { value: 1 }, y: { value: 2 } },
    });
    expect(projectionsText(response)).toBe('g x: {"value":1}\ng y: {"value":2}\n');
  });
});

describe('types', () => {
  it('spells types as Taba did, histograms with their bounds', () => {
    expect(
      JSON.parse(
        typesJson({
          types: [
            { name: 'a', type: 'COUNTER_GROUP', bounds: [] },
            { name: 'b', type: 'EXPIRY_GAUGE', bounds: [] },
            { name: 'h', type: 'HISTOGRAM', bounds: [0.5, 1] },
          ],
        }),
      ),
    ).toEqual({ a: 'CounterGroup', b: 'ExpiryGauge', h: { type: 'Histogram', bounds: [0.5, 1] } });
    expect(typeName('TAB_TYPE_UNSPECIFIED')).toBe('Unspecified');
    expect(typeName(42)).toBe('42');
  });
});

describe('lineResult', () => {
  it('sums over clients and names each rejection by client and line', () => {
    const result = lineResult([
      {
        clientId: 'c1',
        response: {
          applied: 2,
          rejectedCount: 1,
          rejected: [{ index: 0, tab: 1, event: 0, code: 'LATE', reason: 'old', batch: 0 }],
          duplicate: false,
          fencedOlderSession: false,
          fencedSession: 0,
        },
        origins: [[5, 6], [9]],
      },
      {
        clientId: 'c2',
        response: {
          applied: 0,
          rejectedCount: 2,
          rejected: [{ index: 0, tab: 0, event: 0, code: 'FUTURE', reason: 'ahead', batch: 0 }],
          duplicate: false,
          fencedOlderSession: false,
          fencedSession: 0,
        },
        origins: [[14]],
      },
    ]);
    expect(result).toEqual({
      applied: 2,
      rejectedCount: 3,
      rejected: [
        { client: 'c1', line: 9, reason: 'old', code: 'LATE' },
        { client: 'c2', line: 14, reason: 'ahead', code: 'FUTURE' },
      ],
    });
  });
});
