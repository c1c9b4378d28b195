import { InvalidArgumentError } from '../errors/taba-error.js';
import { writeVarint } from '../proto/varint.js';

/**
 * A Delta as Redis operations: what ingest sends the aggregator (TabDelta.delta, in the binary
 * form below) and what the commit script applies, to the client's State and to the all-clients
 * State alike. The aggregator needs no handler knowledge: it only places these in Redis.
 *
 * Hash cell ops, flattened as [op, field, value, …]:
 * - `i` HINCRBY (counts), `f` HINCRBYFLOAT (totals),
 * - `n` keep the minimum, `x` keep the maximum (numbers as decimal text),
 * - `g` last writer wins for a gauge entry `ts|expires|<n|s><value>` (newer ts, then later
 *   expiry, then the greater value).
 */
export type HashOp = 'i' | 'f' | 'n' | 'x' | 'g';

export interface TabOps {
  hash: string[];
  /** Buffer entries as [score, member, …]; the sorted set keeps the `cap` highest scores. */
  buffer?: { cap: number; entries: string[] };
  /** HyperLogLog register raises per bucket: pairs [register, rank, …]; expireAtMs 0 = never. */
  registers?: { bucket: string; expireAtMs: number; pairs: number[] }[];
}

/*
 * Binary form, version 1 (`uv` = unsigned LEB128 varint; `str` = uv byte length + UTF-8;
 * `f64` = little-endian IEEE double):
 *   u8 version (1)
 *   uv hash op count, then per op: u8 op code, str field, then the value: for i f n x a uv when
 *     the code has INTEGER_FLAG (a whole number in [0, 2^53)), else an f64; str for g (text)
 *   u8 has buffer; if 1: uv cap, uv entry count, then per entry: f64 score, str member
 *   uv register group count, then per group: str bucket, f64 expireAtMs, uv pair count, then
 *     per pair: uv register, u8 rank
 * Numbers travel exactly (as integers or doubles), so a value decodes to the same decimal text
 * JavaScript wrote.
 */
const VERSION = 1;
const OP_CODES: Readonly<Record<HashOp, number>> = { i: 1, f: 2, n: 3, x: 4, g: 5 };
const OPS_BY_CODE: readonly (HashOp | undefined)[] = [undefined, 'i', 'f', 'n', 'x', 'g'];
/** Set on an op code whose value is a varint (counts: most values are small whole numbers). */
const INTEGER_FLAG = 0x80;
/** HyperLogLog registers are numbered below 2^16. */
const MAX_REGISTER = 65535;

function malformed(detail: string): InvalidArgumentError {
  return new InvalidArgumentError('MALFORMED_DELTA', `delta is malformed: ${detail}`);
}

/** Appends to one growing buffer (doubling), so encoding allocates O(log size) times. */
class ByteWriter {
  private bytes = Buffer.allocUnsafe(256);
  private at = 0;

  private room(extra: number): void {
    if (this.at + extra <= this.bytes.length) return;
    let size = this.bytes.length * 2;
    while (size < this.at + extra) size *= 2;
    const grown = Buffer.allocUnsafe(size);
    this.bytes.copy(grown, 0, 0, this.at);
    this.bytes = grown;
  }

  u8(value: number): void {
    this.room(1);
    this.bytes[this.at] = value;
    this.at += 1;
  }

  /** Unsigned LEB128, for whole numbers below 2^53 (arithmetic, not 32-bit shifts). */
  uv(value: number): void {
    this.room(8);
    this.at = writeVarint(this.bytes, this.at, value);
  }

  f64(value: number): void {
    this.room(8);
    this.bytes.writeDoubleLE(value, this.at);
    this.at += 8;
  }

  str(value: string): void {
    const count = value.length;
    // Short ASCII (field names, clients, buckets: nearly all): bytes written here, not by two
    // native calls; the one-byte length is the varint of a length below 128.
    if (count < 128) {
      this.room(1 + count);
      const start = this.at + 1;
      let ascii = true;
      for (let i = 0; i < count; i += 1) {
        const code = value.charCodeAt(i);
        if (code > 127) {
          ascii = false;
          break;
        }
        this.bytes[start + i] = code;
      }
      if (ascii) {
        this.bytes[this.at] = count;
        this.at = start + count;
        return;
      }
    }
    const length = Buffer.byteLength(value);
    this.uv(length);
    this.room(length);
    this.bytes.write(value, this.at, length, 'utf8');
    this.at += length;
  }

  done(): Buffer {
    return this.bytes.subarray(0, this.at);
  }
}

/** Reads what ByteWriter wrote; any read past the end is MALFORMED_DELTA. */
class ByteReader {
  private at = 0;
  private readonly bytes: Buffer;

  constructor(bytes: Uint8Array) {
    this.bytes = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  private need(count: number, what: string): void {
    if (this.at + count > this.bytes.length) throw malformed(`truncated in ${what}`);
  }

  u8(what: string): number {
    this.need(1, what);
    const value = this.bytes[this.at] ?? 0;
    this.at += 1;
    return value;
  }

  uv(what: string): number {
    let value = 0;
    let scale = 1;
    for (let length = 1; ; length += 1) {
      const byte = this.u8(what);
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return value;
      // 8 groups of 7 bits cover 2^53; a longer varint is not one this codec wrote.
      if (length === 8) throw malformed(`${what} is not a varint`);
      scale *= 0x80;
    }
  }

  f64(what: string): number {
    this.need(8, what);
    const value = this.bytes.readDoubleLE(this.at);
    this.at += 8;
    if (!Number.isFinite(value)) throw malformed(`${what} is not a finite number`);
    return value;
  }

  str(what: string): string {
    const length = this.uv(what);
    this.need(length, what);
    const value = this.bytes.toString('utf8', this.at, this.at + length);
    this.at += length;
    return value;
  }

  /** Passes over a string without decoding it (a check only needs its bounds). */
  skipStr(what: string): string {
    const length = this.uv(what);
    this.need(length, what);
    this.at += length;
    return '';
  }

  /** A count of items at least `minBytes` each: checked against what is left, so no huge loop. */
  count(minBytes: number, what: string): number {
    const value = this.uv(what);
    if (value * minBytes > this.bytes.length - this.at) throw malformed(`${what} count ${value}`);
    return value;
  }

  end(): void {
    if (this.at !== this.bytes.length) throw malformed('trailing bytes');
  }
}

/** A Delta's parts as numbers, for encoding without a text round trip (MergedOps). */
export interface TabOpsParts {
  readonly hash: readonly (readonly [op: HashOp, field: string, value: number | string])[];
  readonly buffer?: {
    readonly cap: number;
    readonly entries: readonly (readonly [number, string])[];
  };
  readonly registers: readonly {
    readonly bucket: string;
    readonly expireAtMs: number;
    readonly ranks: readonly (readonly [register: number, rank: number])[];
  }[];
}

/** The one encoder: what encodeTabOps and MergedOps write. */
export function encodeTabOpsParts(parts: TabOpsParts): Buffer {
  const out = new ByteWriter();
  out.u8(VERSION);
  out.uv(parts.hash.length);
  for (const [op, field, value] of parts.hash) {
    const number = typeof value === 'number' ? value : 0;
    const whole = op !== 'g' && Number.isSafeInteger(number) && number >= 0;
    out.u8(whole ? OP_CODES[op] | INTEGER_FLAG : OP_CODES[op]);
    out.str(field);
    if (op === 'g') out.str(String(value));
    else if (whole) out.uv(number);
    else out.f64(number);
  }
  if (parts.buffer) {
    out.u8(1);
    out.uv(parts.buffer.cap);
    out.uv(parts.buffer.entries.length);
    for (const [score, member] of parts.buffer.entries) {
      out.f64(score);
      out.str(member);
    }
  } else {
    out.u8(0);
  }
  out.uv(parts.registers.length);
  for (const group of parts.registers) {
    out.str(group.bucket);
    out.f64(group.expireAtMs);
    out.uv(group.ranks.length);
    for (const [register, rank] of group.ranks) {
      out.uv(register);
      out.u8(rank);
    }
  }
  return out.done();
}

export function encodeTabOps(ops: TabOps): Buffer {
  const hash: [HashOp, string, number | string][] = [];
  for (let i = 0; i < ops.hash.length; i += 3) {
    const op = ops.hash[i] as HashOp;
    const text = ops.hash[i + 2] ?? '';
    // A number keeps its text exactly only if it round-trips; anything else stays a double.
    hash.push([op, ops.hash[i + 1] ?? '', op === 'g' ? text : Number(text)]);
  }
  const entries = ops.buffer?.entries ?? [];
  const buffered: [number, string][] = [];
  for (let i = 0; i < entries.length; i += 2)
    buffered.push([Number(entries[i]), entries[i + 1] ?? '']);
  return encodeTabOpsParts({
    hash,
    ...(ops.buffer ? { buffer: { cap: ops.buffer.cap, entries: buffered } } : {}),
    registers: (ops.registers ?? []).map(group => {
      const ranks: [number, number][] = [];
      for (let i = 0; i < group.pairs.length; i += 2)
        ranks.push([group.pairs[i] ?? 0, group.pairs[i + 1] ?? 0]);
      return { bucket: group.bucket, expireAtMs: group.expireAtMs, ranks };
    }),
  });
}

/** What a walk over a binary Delta meets, in order (numbers as numbers: no text round trip). */
export interface TabOpsVisitor {
  hashNumber(op: Exclude<HashOp, 'g'>, field: string, value: number): void;
  hashText(field: string, entry: string): void;
  bufferCap(cap: number): void;
  bufferEntry(score: number, member: string): void;
  registerGroup(bucket: string, expireAtMs: number): void;
  register(register: number, rank: number): void;
}

const IGNORE: TabOpsVisitor = {
  hashNumber: () => {},
  hashText: () => {},
  bufferCap: () => {},
  bufferEntry: () => {},
  registerGroup: () => {},
  register: () => {},
};

/**
 * Walks a Delta's bytes, checking everything; anything off is INVALID_ARGUMENT
 * (MALFORMED_DELTA), never a crash. The one parser: decodeTabOps and MergedOps both use it.
 */
export function walkTabOps(bytes: Uint8Array, visit: TabOpsVisitor = IGNORE): void {
  const input = new ByteReader(bytes);
  // Checking only (no visitor): strings are bounds-checked, not decoded.
  const str = visit === IGNORE ? input.skipStr.bind(input) : input.str.bind(input);
  const version = input.u8('version');
  if (version !== VERSION) throw malformed(`unknown version ${version}`);
  // Smallest encodings: an op is 1 + 1 + 1 bytes, an entry 8 + 1, a group 1 + 8 + 1, a pair 2.
  const opCount = input.count(3, 'hash ops');
  for (let i = 0; i < opCount; i += 1) {
    const code = input.u8('hash op');
    const whole = (code & INTEGER_FLAG) !== 0;
    const op = OPS_BY_CODE[code & ~INTEGER_FLAG];
    if (op === undefined || (whole && op === 'g'))
      throw malformed(`hash op ${i} has an unknown code`);
    const field = str('hash field');
    if (op === 'g') visit.hashText(field, str('gauge entry'));
    else visit.hashNumber(op, field, whole ? input.uv('hash value') : input.f64('hash value'));
  }
  const hasBuffer = input.u8('buffer flag');
  if (hasBuffer > 1) throw malformed('buffer flag');
  if (hasBuffer === 1) {
    const cap = input.uv('buffer cap');
    if (cap < 1) throw malformed('buffer cap');
    visit.bufferCap(cap);
    const entryCount = input.count(9, 'buffer entries');
    for (let i = 0; i < entryCount; i += 1) {
      const score = input.f64('buffer score');
      visit.bufferEntry(score, str('buffer member'));
    }
  }
  const groupCount = input.count(10, 'register groups');
  for (let g = 0; g < groupCount; g += 1) {
    const bucket = str('register bucket');
    visit.registerGroup(bucket, input.f64('register expiry'));
    const pairCount = input.count(2, 'register pairs');
    for (let i = 0; i < pairCount; i += 1) {
      const register = input.uv('register');
      if (register > MAX_REGISTER) throw malformed(`register ${register}`);
      visit.register(register, input.u8('rank'));
    }
  }
  input.end();
}

/** Checks a Delta's bytes without building anything; anything off is INVALID_ARGUMENT. */
export function checkTabOps(bytes: Uint8Array): void {
  walkTabOps(bytes);
}

/** Parses and checks a TabDelta's bytes; anything off is INVALID_ARGUMENT, never a crash. */
export function decodeTabOps(bytes: Uint8Array): TabOps {
  const hash: string[] = [];
  const ops: TabOps = { hash };
  let pairs: number[] = [];
  walkTabOps(bytes, {
    hashNumber: (op, field, value) => hash.push(op, field, String(value)),
    hashText: (field, entry) => hash.push('g', field, entry),
    bufferCap: cap => {
      ops.buffer = { cap, entries: [] };
    },
    bufferEntry: (score, member) => ops.buffer?.entries.push(String(score), member),
    registerGroup: (bucket, expireAtMs) => {
      pairs = [];
      ops.registers ??= [];
      ops.registers.push({ bucket, expireAtMs, pairs });
    },
    register: (register, rank) => pairs.push(register, rank),
  });
  return ops;
}
