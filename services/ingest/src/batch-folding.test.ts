import type { DecodedBatch, DecodedColumn } from '@taba/common';
import {
  createHandlerRegistry,
  DEFAULT_EVENT_LIMITS,
  decodeTabOps,
  ManualClock,
  partitionOf,
} from '@taba/common';
import { describe, expect, it } from 'vitest';
import type { FoldingOptions } from './batch-folding.js';
import { foldBatch } from './batch-folding.js';

const NOW = 1_763_805_600;
const registry = createHandlerRegistry({ clock: new ManualClock(NOW) });

function column(overrides: Partial<DecodedColumn>): DecodedColumn {
  return {
    name: 'bid.price',
    type: 'COUNTER_GROUP',
    typeCode: 1,
    timestamps: new Float64Array(0),
    values: new Float64Array(0),
    strings: [],
    expiries: new Float64Array(0),
    bounds: new Float64Array(0),
    ...overrides,
  };
}

function batchOf(...tabs: DecodedColumn[]): DecodedBatch {
  return { clientId: 'c1', seq: 3, sentAt: 0, tabs, session: 0 };
}

function options(stored: Record<string, string> = {}): FoldingOptions {
  return {
    registry,
    limits: DEFAULT_EVENT_LIMITS,
    partitionCount: 1024,
    now: NOW,
    storedSpec: name => stored[name],
    bufferCapacity: 1000,
    uniqPrefix: '3',
  };
}

describe('foldBatch', () => {
  it('folds columns of one Tab into one Delta in its partition, keeping batch positions', () => {
    const folded = foldBatch(
      batchOf(
        column({ values: Float64Array.of(1, 2) }),
        column({ name: 'other', values: Float64Array.of(5) }),
        column({ values: Float64Array.of(3, Number.NaN) }),
      ),
      options(),
    );
    expect(folded.eventCount).toBe(5);
    expect(folded.rejections).toEqual([
      {
        index: 4,
        tab: 2,
        event: 1,
        code: 'INVALID_VALUE',
        reason: 'value NaN is not a finite number',
      },
    ]);
    const [tab] = folded.parts.get(partitionOf('bid.price', 1024)) ?? [];
    expect(tab?.positions()).toEqual([0, 1, 3]);
    expect(tab?.count).toBe(3);
    expect(tab?.delta).toMatchObject({
      name: 'bid.price',
      type: 'COUNTER_GROUP',
      events: 3,
      bounds: [],
    });
    const ops = decodeTabOps(tab?.delta.delta as Uint8Array);
    expect(ops.hash.slice(ops.hash.indexOf('lc'), ops.hash.indexOf('lc') + 4)).toEqual([
      'lc',
      '3',
      'f',
      'lt',
    ]);
    expect(ops.hash[ops.hash.indexOf('lt') + 1]).toBe('6');
  });

  it('gives an unspecified type the stored one and rejects a conflicting one with the reason', () => {
    const stored = { 'cpu.state': 'GAUGE', latency: 'HISTOGRAM:1,5' };
    const folded = foldBatch(
      batchOf(
        column({ name: 'cpu.state', type: 'TAB_TYPE_UNSPECIFIED', strings: ['ok'] }),
        column({ name: 'cpu.state', type: 'COUNTER_GROUP', values: Float64Array.of(1) }),
        column({
          name: 'latency',
          type: 'HISTOGRAM',
          values: Float64Array.of(2),
          bounds: Float64Array.of(1, 10),
        }),
        column({ name: 'latency', type: 'TAB_TYPE_UNSPECIFIED', values: Float64Array.of(3) }),
      ),
      options(stored),
    );
    expect(folded.rejections).toEqual([
      {
        index: 1,
        tab: 1,
        event: 0,
        code: 'TYPE_CONFLICT',
        reason: 'Tab "cpu.state" is a Gauge; these events are a CounterGroup',
      },
      {
        index: 2,
        tab: 2,
        event: 0,
        code: 'INVALID_BOUNDS',
        reason:
          'Tab "latency" is a Histogram with bounds [1, 5]; these events are a Histogram with bounds [1, 10]',
      },
    ]);
    const gauge = folded.parts.get(partitionOf('cpu.state', 1024))?.[0];
    expect(gauge?.delta).toMatchObject({ type: 'GAUGE', events: 1 });
    const histogram = folded.parts.get(partitionOf('latency', 1024))?.[0];
    expect(histogram?.delta).toMatchObject({ type: 'HISTOGRAM', events: 1, bounds: [1, 5] });
  });

  it('lets the first type in a batch win for a new Tab', () => {
    const folded = foldBatch(
      batchOf(
        column({ name: 'fresh', type: 'TOTALS_COUNTER', values: Float64Array.of(1) }),
        column({ name: 'fresh', type: 'COUNTER_GROUP', values: Float64Array.of(1) }),
      ),
      options(),
    );
    expect(folded.rejections.map(r => r.code)).toEqual(['TYPE_CONFLICT']);
  });

  it('rejects every event of an unknown type code', () => {
    const folded = foldBatch(
      batchOf(column({ type: undefined, typeCode: 99, values: Float64Array.of(1, 2) })),
      options(),
    );
    expect(folded.rejections.map(r => [r.index, r.code])).toEqual([
      [0, 'MALFORMED'],
      [1, 'MALFORMED'],
    ]);
    expect(folded.parts.size).toBe(0);
  });
});
