import { endianness } from 'node:os';
import protobuf from 'protobufjs/minimal.js';
import { InvalidArgumentError } from '../errors/taba-error.js';
import type { TabType__Output } from '../generated/taba/v1/TabType.js';
import { TAB_TYPES } from '../handlers/tab-types.js';

/**
 * A hand-written reader for the hot path: decodes a `taba.v1.EventBatch` straight into
 * typed columns. Packed `double` fields are contiguous little-endian float64 on the wire,
 * so each column is a Float64Array view of one arena per batch (one memcpy per column),
 * and no object is created per event. Field numbers mirror protos/taba/v1/taba.proto; unknown fields are skipped, and
 * unpacked doubles (which proto parsers must accept) are read too.
 */
export interface DecodedColumn {
  name: string;
  /** The type as sent; numbers this build does not know stay in `typeCode`. */
  type: TabType__Output | undefined;
  typeCode: number;
  timestamps: Float64Array;
  values: Float64Array;
  strings: string[];
  expiries: Float64Array;
  bounds: Float64Array;
}

export interface DecodedBatch {
  clientId: string;
  seq: number;
  sentAt: number;
  tabs: DecodedColumn[];
  /** The sender's session (0: none). */
  session: number;
}

/** Enum number → name: TabType's numbers are UNSPECIFIED (0), then TAB_TYPES in order. */
const TYPE_BY_CODE: readonly TabType__Output[] = ['TAB_TYPE_UNSPECIFIED', ...TAB_TYPES];

const WIRE_FIXED64 = 1;
const WIRE_LENGTH = 2;
const EMPTY = new Float64Array(0);
const LITTLE_ENDIAN = endianness() === 'LE';

type Reader = protobuf.Reader;

/** A uint64 as protobufjs returns it (a number, or a Long when long.js is present). */
function toNumber(value: number | { low: number; high: number }): number {
  return typeof value === 'number' ? value : (value.high >>> 0) * 2 ** 32 + (value.low >>> 0);
}

/**
 * Every double of a batch lands in one arena, allocated once per batch: a batch of n bytes
 * holds at most n/8 doubles. Columns are subarrays of it (aligned, so Float64Array views).
 */
class DoubleArena {
  private readonly doubles: Float64Array;
  private readonly bytes: Uint8Array;
  private used = 0;

  constructor(batchBytes: number) {
    this.doubles = new Float64Array(Math.ceil(batchBytes / 8));
    this.bytes = new Uint8Array(this.doubles.buffer);
  }

  /** Copies `length` bytes of little-endian doubles from `source` at `start`. */
  take(source: Uint8Array, start: number, length: number): Float64Array {
    const count = length / 8;
    const first = this.used;
    if (LITTLE_ENDIAN) {
      this.bytes.set(source.subarray(start, start + length), first * 8);
    } else {
      const view = new DataView(source.buffer, source.byteOffset + start, length);
      for (let i = 0; i < count; i += 1) this.doubles[first + i] = view.getFloat64(i * 8, true);
    }
    this.used += count;
    return this.doubles.subarray(first, first + count);
  }

  /** Appends `next` after `previous` (an unpacked or repeated field seen twice). */
  join(previous: Float64Array, next: Float64Array): Float64Array {
    if (previous.length === 0) return next;
    const joined = new Float64Array(previous.length + next.length);
    joined.set(previous);
    joined.set(next, previous.length);
    return joined;
  }
}

/** A double field: packed, or one unpacked element, appended to what came before. */
function readDoubles(
  reader: Reader,
  wireType: number,
  previous: Float64Array,
  arena: DoubleArena,
): Float64Array {
  let next: Float64Array;
  if (wireType === WIRE_LENGTH) {
    const length = reader.uint32();
    const start = reader.pos;
    if (start + length > reader.len || length % 8 !== 0) {
      throw new RangeError(`packed doubles of ${length} bytes at ${start} do not fit`);
    }
    reader.pos = start + length;
    next = arena.take(reader.buf, start, length);
  } else if (wireType === WIRE_FIXED64) {
    next = Float64Array.of(reader.double());
  } else {
    throw new RangeError(`a double field with wire type ${wireType}`);
  }
  return arena.join(previous, next);
}

function readColumn(reader: Reader, end: number, arena: DoubleArena): DecodedColumn {
  const column: DecodedColumn = {
    name: '',
    type: 'TAB_TYPE_UNSPECIFIED',
    typeCode: 0,
    timestamps: EMPTY,
    values: EMPTY,
    strings: [],
    expiries: EMPTY,
    bounds: EMPTY,
  };
  while (reader.pos < end) {
    const tag = reader.uint32();
    const wireType = tag & 7;
    switch (tag >>> 3) {
      case 1:
        column.name = reader.string();
        break;
      case 2:
        column.typeCode = reader.int32();
        column.type = TYPE_BY_CODE[column.typeCode];
        break;
      case 3:
        column.timestamps = readDoubles(reader, wireType, column.timestamps, arena);
        break;
      case 4:
        column.values = readDoubles(reader, wireType, column.values, arena);
        break;
      case 5:
        column.strings.push(reader.string());
        break;
      case 6:
        column.expiries = readDoubles(reader, wireType, column.expiries, arena);
        break;
      case 7:
        column.bounds = readDoubles(reader, wireType, column.bounds, arena);
        break;
      default:
        reader.skipType(wireType);
    }
  }
  if (reader.pos !== end) throw new RangeError('a column overran its length');
  return column;
}

/**
 * Decodes an EventBatch. Bytes that are not a valid EventBatch give INVALID_ARGUMENT
 * (reason MALFORMED_BATCH), never a crash.
 */
export function decodeEventBatch(bytes: Uint8Array): DecodedBatch {
  const batch: DecodedBatch = { clientId: '', seq: 0, sentAt: 0, tabs: [], session: 0 };
  const reader = protobuf.Reader.create(bytes);
  const arena = new DoubleArena(bytes.length);
  try {
    while (reader.pos < reader.len) {
      const tag = reader.uint32();
      const wireType = tag & 7;
      switch (tag >>> 3) {
        case 1:
          batch.clientId = reader.string();
          break;
        case 2:
          batch.seq = toNumber(reader.uint64());
          break;
        case 3:
          batch.sentAt = reader.double();
          break;
        case 4: {
          if (wireType !== WIRE_LENGTH) throw new RangeError(`tabs with wire type ${wireType}`);
          const length = reader.uint32();
          const end = reader.pos + length;
          if (end > reader.len) throw new RangeError('a column is longer than the batch');
          batch.tabs.push(readColumn(reader, end, arena));
          break;
        }
        case 5:
          batch.session = toNumber(reader.uint64());
          break;
        default:
          reader.skipType(wireType);
      }
    }
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new InvalidArgumentError(
      'MALFORMED_BATCH',
      `the batch is not a valid taba.v1.EventBatch: ${detail}`,
      {
        cause: error,
      },
    );
  }
  return batch;
}
