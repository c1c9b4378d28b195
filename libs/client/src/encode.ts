// Protobuf encoding of taba.v1.EventBatch straight from the client's typed columns: packed
// doubles are copied as bytes, so a batch costs one buffer and no JS object per event.
import { endianness } from 'node:os';
import type { TabTypeName } from '@taba/common';
import { writeVarint } from '@taba/common';

/** One TabColumn as the client holds it: typed arrays of which the first `length` entries count. */
export interface EncodableColumn {
  readonly name: string;
  readonly type: TabTypeName;
  readonly length: number;
  readonly timestamps: Float64Array;
  /** Numeric values; undefined for a string column. */
  readonly values: Float64Array | undefined;
  /** String values; undefined for a numeric column. */
  readonly strings: readonly string[] | undefined;
  /** One per event for EXPIRY_GAUGE and BUFFER; undefined otherwise. */
  readonly expiries: Float64Array | undefined;
  /** HISTOGRAM only. */
  readonly bounds: readonly number[] | undefined;
}

/** The wire numbers of `taba.v1.TabType`. */
export const TAB_TYPE_NUMBERS: Readonly<Record<TabTypeName, number>> = {
  COUNTER_GROUP: 1,
  PERCENTILE_GROUP: 2,
  TOTALS_COUNTER: 3,
  GAUGE: 4,
  EXPIRY_GAUGE: 5,
  BUFFER: 6,
  UNIQUE: 7,
  HISTOGRAM: 8,
};

const LITTLE_ENDIAN = endianness() === 'LE';

// Field keys: (field number << 3) | wire type (0 varint, 1 fixed64, 2 length-delimited).
const BATCH_CLIENT_ID = 0x0a;
const BATCH_SEQ = 0x10;
const BATCH_SENT_AT = 0x19;
const BATCH_TABS = 0x22;
const BATCH_SESSION = 0x28;
const COLUMN_NAME = 0x0a;
const COLUMN_TYPE = 0x10;
const COLUMN_TIMESTAMPS = 0x1a;
const COLUMN_VALUES = 0x22;
const COLUMN_STRINGS = 0x2a;
const COLUMN_EXPIRIES = 0x32;
const COLUMN_BOUNDS = 0x3a;

/** Bytes of the varint of a non-negative integer up to 2^53. */
function varintSize(value: number): number {
  let size = 1;
  let rest = value;
  while (rest >= 128) {
    rest = Math.floor(rest / 128);
    size += 1;
  }
  return size;
}

/** Bytes of a length-delimited field whose payload is `length` bytes, key included. */
function delimitedSize(length: number): number {
  return 1 + varintSize(length) + length;
}

function packedSize(count: number): number {
  return count === 0 ? 0 : delimitedSize(count * 8);
}

class Writer {
  pos = 0;
  constructor(readonly buf: Buffer) {}

  varint(value: number): void {
    this.pos = writeVarint(this.buf, this.pos, value);
  }

  string(key: number, text: string, bytes: number): void {
    this.buf[this.pos] = key;
    this.pos += 1;
    this.varint(bytes);
    this.pos += this.buf.write(text, this.pos, bytes, 'utf8');
  }

  double(value: number): void {
    this.buf.writeDoubleLE(value, this.pos);
    this.pos += 8;
  }

  packed(key: number, values: ArrayLike<number>, count: number): void {
    if (count === 0) return;
    this.buf[this.pos] = key;
    this.pos += 1;
    this.varint(count * 8);
    if (LITTLE_ENDIAN && values instanceof Float64Array) {
      this.buf.set(new Uint8Array(values.buffer, values.byteOffset, count * 8), this.pos);
      this.pos += count * 8;
      return;
    }
    for (let i = 0; i < count; i += 1) this.double(values[i] ?? 0);
  }
}

interface ColumnPlan {
  readonly column: EncodableColumn;
  readonly nameBytes: number;
  /** UTF-8 length of each string value, when the column holds strings. */
  readonly stringBytes: Int32Array | undefined;
  readonly size: number;
}

function planColumn(column: EncodableColumn): ColumnPlan {
  const count = column.length;
  const nameBytes = Buffer.byteLength(column.name, 'utf8');
  let size = delimitedSize(nameBytes) + 1 + varintSize(TAB_TYPE_NUMBERS[column.type]);
  size += packedSize(count); // timestamps
  if (column.values) size += packedSize(count);
  let stringBytes: Int32Array | undefined;
  if (column.strings) {
    stringBytes = new Int32Array(count);
    for (let i = 0; i < count; i += 1) {
      const bytes = Buffer.byteLength(column.strings[i] ?? '', 'utf8');
      stringBytes[i] = bytes;
      size += delimitedSize(bytes);
    }
  }
  if (column.expiries) size += packedSize(count);
  if (column.bounds) size += packedSize(column.bounds.length);
  return { column, nameBytes, stringBytes, size };
}

function writeColumn(writer: Writer, plan: ColumnPlan): void {
  const { column, stringBytes } = plan;
  const count = column.length;
  writer.string(COLUMN_NAME, column.name, plan.nameBytes);
  writer.buf[writer.pos] = COLUMN_TYPE;
  writer.pos += 1;
  writer.varint(TAB_TYPE_NUMBERS[column.type]);
  writer.packed(COLUMN_TIMESTAMPS, column.timestamps, count);
  if (column.values) writer.packed(COLUMN_VALUES, column.values, count);
  if (column.strings && stringBytes) {
    for (let i = 0; i < count; i += 1) {
      writer.string(COLUMN_STRINGS, column.strings[i] ?? '', stringBytes[i] ?? 0);
    }
  }
  if (column.expiries) writer.packed(COLUMN_EXPIRIES, column.expiries, count);
  if (column.bounds) writer.packed(COLUMN_BOUNDS, column.bounds, column.bounds.length);
}

/** What goes on the wire besides the columns. */
export interface BatchHeader {
  readonly clientId: string;
  /** A non-negative integer below 2^53; 0 asks for at-least-once delivery. */
  readonly seq: number;
  /** Epoch seconds; 0 means the time of arrival. */
  readonly sentAt: number;
  /** The sender's session (microseconds since the epoch when it started); 0: none. */
  readonly session?: number;
}

/** The serialized `taba.v1.EventBatch`, byte for byte what protobufjs would decode back. */
export function encodeEventBatch(header: BatchHeader, columns: readonly EncodableColumn[]): Buffer {
  const clientIdBytes = Buffer.byteLength(header.clientId, 'utf8');
  let size = clientIdBytes > 0 ? delimitedSize(clientIdBytes) : 0;
  if (header.seq > 0) size += 1 + varintSize(header.seq);
  if (header.sentAt !== 0) size += 9;
  const plans = columns.map(planColumn);
  for (const plan of plans) size += delimitedSize(plan.size);
  const session = header.session ?? 0;
  if (session > 0) size += 1 + varintSize(session);

  const writer = new Writer(Buffer.allocUnsafe(size));
  if (clientIdBytes > 0) writer.string(BATCH_CLIENT_ID, header.clientId, clientIdBytes);
  if (header.seq > 0) {
    writer.buf[writer.pos] = BATCH_SEQ;
    writer.pos += 1;
    writer.varint(header.seq);
  }
  if (header.sentAt !== 0) {
    writer.buf[writer.pos] = BATCH_SENT_AT;
    writer.pos += 1;
    writer.double(header.sentAt);
  }
  for (const plan of plans) {
    writer.buf[writer.pos] = BATCH_TABS;
    writer.pos += 1;
    writer.varint(plan.size);
    writeColumn(writer, plan);
  }
  if (session > 0) {
    writer.buf[writer.pos] = BATCH_SESSION;
    writer.pos += 1;
    writer.varint(session);
  }
  if (writer.pos !== size) {
    throw new Error(`EventBatch encoding wrote ${writer.pos} bytes, planned ${size}`);
  }
  return writer.buf;
}
