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
 * Every double of a batch lands in one arena, allocated once per batch. A batch of n bytes
 * holds at most n/8 doubles as read, and joining a field seen more than once (unpacked, or a
 * repeated packed field) copies them once more: 2·n/8 doubles at most. So decoding is linear
 * in the batch's bytes whatever the layout (a column of 40,000 unpacked doubles is one copy,
 * not 40,000 reallocations). Columns are subarrays of it (aligned, so Float64Array views).
 */
class DoubleArena {
  private readonly doubles: Float64Array;
  private readonly bytes: Uint8Array;
  private used = 0;

  constructor(batchBytes: number) {
    this.doubles = new Float64Array(2 * Math.ceil(batchBytes / 8));
    this.bytes = new Uint8Array(this.doubles.buffer);
  }

  /** Copies `length` bytes of little-endian doubles from `source` at `start`; their first index. */
  take(source: Uint8Array, start: number, length: number): number {
    const count = length / 8;
    const first = this.used;
    if (LITTLE_ENDIAN) {
      this.bytes.set(source.subarray(start, start + length), first * 8);
    } else {
      const view = new DataView(source.buffer, source.byteOffset + start, length);
      for (let i = 0; i < count; i += 1) this.doubles[first + i] = view.getFloat64(i * 8, true);
    }
    this.used += count;
    return first;
  }

  /** Stores one double; its index. */
  push(value: number): number {
    this.doubles[this.used] = value;
    this.used += 1;
    return this.used - 1;
  }

  /** One field's pieces as one column: a view when it came in one piece, else one copy. */
  assemble(pieces: DoublePieces | undefined): Float64Array {
    if (pieces === undefined) return EMPTY;
    const { starts, counts } = pieces;
    const first = starts[0] ?? 0;
    if (starts.length === 1) return this.doubles.subarray(first, first + (counts[0] ?? 0));
    const joined = this.used;
    for (let i = 0; i < starts.length; i += 1) {
      const start = starts[i] ?? 0;
      this.doubles.copyWithin(this.used, start, start + (counts[i] ?? 0));
      this.used += counts[i] ?? 0;
    }
    return this.doubles.subarray(joined, this.used);
  }
}

/** Where one double field's pieces sit in the arena; adjacent pieces are merged as they come. */
interface DoublePieces {
  readonly starts: number[];
  readonly counts: number[];
}

function addPiece(pieces: DoublePieces | undefined, start: number, count: number): DoublePieces {
  if (pieces === undefined) return { starts: [start], counts: [count] };
  const last = pieces.starts.length - 1;
  if ((pieces.starts[last] ?? 0) + (pieces.counts[last] ?? 0) === start) {
    pieces.counts[last] = (pieces.counts[last] ?? 0) + count;
  } else {
    pieces.starts.push(start);
    pieces.counts.push(count);
  }
  return pieces;
}

/** A double field: packed, or one unpacked element, appended to what came before. */
function readDoubles(
  reader: Reader,
  wireType: number,
  previous: DoublePieces | undefined,
  arena: DoubleArena,
): DoublePieces {
  if (wireType === WIRE_LENGTH) {
    const length = reader.uint32();
    const start = reader.pos;
    if (start + length > reader.len || length % 8 !== 0) {
      throw new RangeError(`packed doubles of ${length} bytes at ${start} do not fit`);
    }
    reader.pos = start + length;
    return addPiece(previous, arena.take(reader.buf, start, length), length / 8);
  }
  if (wireType === WIRE_FIXED64) return addPiece(previous, arena.push(reader.double()), 1);
  throw new RangeError(`a double field with wire type ${wireType}`);
}

/** Protobuf strings must be UTF-8: other bytes are refused, never replaced by U+FFFD. */
const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });

/** Thrown out of the reader, reported as INVALID_ENCODING rather than MALFORMED_BATCH. */
class InvalidEncoding extends Error {}

/** Short ASCII strings (most names and IDs) are built without a native call. */
const SHORT_ASCII = 32;

function readString(reader: Reader, what: string): string {
  const bytes = reader.bytes();
  if (bytes.length <= SHORT_ASCII) {
    let ascii = true;
    for (let i = 0; i < bytes.length && ascii; i += 1) ascii = (bytes[i] ?? 0) < 0x80;
    if (ascii) return String.fromCharCode.apply(null, bytes as unknown as number[]);
  }
  try {
    return STRICT_UTF8.decode(bytes);
  } catch {
    throw new InvalidEncoding(`${what} is not valid UTF-8`);
  }
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
  let timestamps: DoublePieces | undefined;
  let values: DoublePieces | undefined;
  let expiries: DoublePieces | undefined;
  let bounds: DoublePieces | undefined;
  while (reader.pos < end) {
    const tag = reader.uint32();
    const wireType = tag & 7;
    switch (tag >>> 3) {
      case 1:
        column.name = readString(reader, 'a Tab name');
        break;
      case 2:
        column.typeCode = reader.int32();
        column.type = TYPE_BY_CODE[column.typeCode];
        break;
      case 3:
        timestamps = readDoubles(reader, wireType, timestamps, arena);
        break;
      case 4:
        values = readDoubles(reader, wireType, values, arena);
        break;
      case 5:
        column.strings.push(readString(reader, 'a string value'));
        break;
      case 6:
        expiries = readDoubles(reader, wireType, expiries, arena);
        break;
      case 7:
        bounds = readDoubles(reader, wireType, bounds, arena);
        break;
      default:
        reader.skipType(wireType);
    }
  }
  if (reader.pos !== end) throw new RangeError('a column overran its length');
  column.timestamps = arena.assemble(timestamps);
  column.values = arena.assemble(values);
  column.expiries = arena.assemble(expiries);
  column.bounds = arena.assemble(bounds);
  return column;
}

/**
 * Decodes an EventBatch, in time linear in its bytes. Bytes that are not a valid EventBatch
 * give INVALID_ARGUMENT (reason MALFORMED_BATCH; a string that is not UTF-8: INVALID_ENCODING),
 * never a crash.
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
          batch.clientId = readString(reader, 'the client ID');
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
    if (error instanceof InvalidEncoding) {
      throw new InvalidArgumentError(
        'INVALID_ENCODING',
        `${error.message}: protobuf strings must be UTF-8`,
      );
    }
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
