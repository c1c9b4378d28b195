import type { EventBatch } from '@taba/common';
import { decodeEventBatch, loadTabaProtos } from '@taba/common';
import { describe, expect, it } from 'vitest';
import { Column } from './columns.js';
import { encodeEventBatch } from './encode.js';

const postEvents = () => loadTabaProtos().taba.v1.Taba.service.PostEvents;

function numberColumn(
  name: string,
  type: Column['type'],
  rows: ReadonlyArray<readonly [timestamp: number, value: number, expiry?: number]>,
  bounds?: readonly number[],
): Column {
  const withExpiry = rows.some(row => row[2] !== undefined);
  const column = new Column(name, type, 'number', withExpiry, bounds, 2);
  for (const [timestamp, value, expiry] of rows) column.pushNumber(timestamp, value, expiry ?? 0);
  return column;
}

function stringColumn(
  name: string,
  type: Column['type'],
  rows: ReadonlyArray<readonly [timestamp: number, value: string, expiry?: number]>,
): Column {
  const withExpiry = rows.some(row => row[2] !== undefined);
  const column = new Column(name, type, 'string', withExpiry, undefined, 2);
  for (const [timestamp, value, expiry] of rows) column.pushString(timestamp, value, expiry ?? 0);
  return column;
}

describe('encodeEventBatch', () => {
  const columns = [
    numberColumn('requests', 'COUNTER_GROUP', [
      [1_700_000_000.25, 1],
      [1_700_000_001, -2.5],
      [1_700_000_002, 1e300],
    ]),
    stringColumn('версия', 'EXPIRY_GAUGE', [
      [1_700_000_000, 'v1 ✓', 1_700_003_600],
      [1_700_000_001, '', 1_700_003_601],
    ]),
    numberColumn('latency', 'HISTOGRAM', [[1_700_000_000, 7]], [1, 2.5, 10]),
    stringColumn('users', 'UNIQUE', [[1_700_000_000, 'x'.repeat(300)]]),
  ];
  const header = {
    clientId: 'app-1',
    seq: 1_700_000_000_123_456,
    sentAt: 1_700_000_003.5,
    session: 1_700_000_000_000_777,
  };

  it('writes the same bytes as protobufjs for the same batch', () => {
    const message: EventBatch = {
      clientId: header.clientId,
      seq: header.seq,
      sentAt: header.sentAt,
      session: header.session,
      tabs: columns.map(column => ({
        name: column.name,
        type: column.type,
        timestamps: Array.from(column.timestamps.subarray(0, column.length)),
        values: column.values ? Array.from(column.values.subarray(0, column.length)) : [],
        strings: column.strings ? [...column.strings] : [],
        expiries: column.expiries ? Array.from(column.expiries.subarray(0, column.length)) : [],
        bounds: column.bounds ? [...column.bounds] : [],
      })),
    };
    const ours = encodeEventBatch(header, columns);
    expect(ours.equals(postEvents().requestSerialize(message))).toBe(true);
  });

  it('decodes back, with the generic decoder and the columnar one', () => {
    const bytes = encodeEventBatch(header, columns);
    const decoded = postEvents().requestDeserialize(bytes);
    expect(decoded.clientId).toBe('app-1');
    expect(decoded.seq).toBe(1_700_000_000_123_456);
    expect(decoded.sentAt).toBe(1_700_000_003.5);
    expect(decoded.tabs.map(tab => [tab.name, tab.type])).toEqual([
      ['requests', 'COUNTER_GROUP'],
      ['версия', 'EXPIRY_GAUGE'],
      ['latency', 'HISTOGRAM'],
      ['users', 'UNIQUE'],
    ]);
    expect(decoded.tabs[0]?.values).toEqual([1, -2.5, 1e300]);
    expect(decoded.tabs[1]?.strings).toEqual(['v1 ✓', '']);
    expect(decoded.tabs[1]?.expiries).toEqual([1_700_003_600, 1_700_003_601]);
    expect(decoded.tabs[2]?.bounds).toEqual([1, 2.5, 10]);

    const columnar = decodeEventBatch(bytes);
    expect(columnar.seq).toBe(header.seq);
    expect(Array.from(columnar.tabs[0]?.timestamps ?? [])).toEqual([
      1_700_000_000.25, 1_700_000_001, 1_700_000_002,
    ]);
    expect(columnar.tabs[3]?.strings).toEqual(['x'.repeat(300)]);
  });

  it('leaves seq and sent_at out when zero', () => {
    const bytes = encodeEventBatch({ clientId: 'c', seq: 0, sentAt: 0 }, []);
    expect([...bytes]).toEqual([0x0a, 0x01, 0x63]);
  });

  it('encodes only the first `length` events of a grown column', () => {
    const column = numberColumn('n', 'PERCENTILE_GROUP', [
      [1_700_000_000, 1],
      [1_700_000_000, 2],
      [1_700_000_000, 3],
    ]);
    expect(column.timestamps.length).toBeGreaterThan(column.length);
    const decoded = postEvents().requestDeserialize(encodeEventBatch(header, [column]));
    expect(decoded.tabs[0]?.values).toEqual([1, 2, 3]);
    expect(decoded.tabs[0]?.timestamps).toHaveLength(3);
  });
});

describe('Column.splitOff', () => {
  it('moves the first events out and keeps the rest in order', () => {
    const column = stringColumn('b', 'BUFFER', [
      [1_700_000_001, 'a', 1_800_000_001],
      [1_700_000_002, 'b', 1_800_000_002],
      [1_700_000_003, 'c', 1_800_000_003],
    ]);
    const head = column.splitOff(2);
    expect(head.length).toBe(2);
    expect(head.strings).toEqual(['a', 'b']);
    expect(Array.from(head.expiries ?? [])).toEqual([1_800_000_001, 1_800_000_002]);
    expect(column.length).toBe(1);
    expect(column.strings).toEqual(['c']);
    expect(column.timestamps[0]).toBe(1_700_000_003);
    expect(column.expiries?.[0]).toBe(1_800_000_003);
  });
});
