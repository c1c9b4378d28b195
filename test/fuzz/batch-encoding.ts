// FuzzBatch → taba.v1.EventBatch wire bytes, packed as encoders write them or unpacked.
import { TAB_TYPES } from '@taba/common';
import type { FuzzBatch, FuzzColumn } from './fuzz-events.js';
import { ProtoWriter } from './proto-writer.js';

/** Field numbers of protos/taba/v1/taba.proto. */
export const BATCH_FIELDS = { clientId: 1, seq: 2, sentAt: 3, tabs: 4 } as const;
export const COLUMN_FIELDS = {
  name: 1,
  type: 2,
  timestamps: 3,
  values: 4,
  strings: 5,
  expiries: 6,
  bounds: 7,
} as const;

export interface EncodeOptions {
  /** Write the repeated doubles unpacked (one fixed64 field per value). */
  readonly unpacked?: boolean;
}

export function typeCode(type: FuzzColumn['type']): number {
  return TAB_TYPES.indexOf(type) + 1;
}

export function encodeColumn(column: FuzzColumn, options: EncodeOptions = {}): Buffer {
  const writer = new ProtoWriter().string(COLUMN_FIELDS.name, column.name);
  writer.varintField(COLUMN_FIELDS.type, typeCode(column.type));
  const doubles = (field: number, values: readonly number[]) => {
    if (values.length === 0) return;
    if (options.unpacked) writer.unpackedDoubles(field, values);
    else writer.packedDoubles(field, values);
  };
  doubles(COLUMN_FIELDS.timestamps, column.timestamps);
  doubles(COLUMN_FIELDS.values, column.values);
  for (const text of column.strings) writer.string(COLUMN_FIELDS.strings, text);
  doubles(COLUMN_FIELDS.expiries, column.expiries);
  doubles(COLUMN_FIELDS.bounds, column.bounds);
  return writer.finish();
}

export function encodeBatch(batch: FuzzBatch, options: EncodeOptions = {}): Buffer {
  const writer = new ProtoWriter().string(BATCH_FIELDS.clientId, batch.clientId);
  if (batch.seq !== 0) writer.varintField(BATCH_FIELDS.seq, batch.seq);
  if (batch.sentAt !== 0) writer.doubleField(BATCH_FIELDS.sentAt, batch.sentAt);
  for (const column of batch.tabs) {
    writer.lengthDelimited(BATCH_FIELDS.tabs, encodeColumn(column, options));
  }
  return writer.finish();
}
