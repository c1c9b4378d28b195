import { InvalidArgumentError } from '../errors/taba-error.js';
import { writeVarint } from '../proto/varint.js';
import { ByteReader, ByteWriter } from './byte-codec.js';

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

/** One numeric hash op: a varint when the value is a whole number in [0, 2^53), else an f64. */
function writeNumberOp(out: ByteWriter, op: Exclude<HashOp, 'g'>, field: string, value: number) {
  const whole = Number.isSafeInteger(value) && value >= 0;
  out.u8(whole ? OP_CODES[op] | INTEGER_FLAG : OP_CODES[op]);
  out.str(field);
  if (whole) out.uv(value);
  else out.f64(value);
}

function writeTextOp(out: ByteWriter, field: string, entry: string): void {
  out.u8(OP_CODES.g);
  out.str(field);
  out.str(entry);
}

/** Where the state codecs write a Delta's hash ops, one at a time, values as numbers. */
export interface HashOpsSink {
  number(op: Exclude<HashOp, 'g'>, field: string, value: number): void;
  text(field: string, entry: string): void;
}

/** A sink that keeps the ops as TabOps text ([op, field, value, …]). */
export class HashOpsText implements HashOpsSink {
  readonly hash: string[] = [];

  number(op: Exclude<HashOp, 'g'>, field: string, value: number): void {
    this.hash.push(op, field, String(value));
  }

  text(field: string, entry: string): void {
    this.hash.push('g', field, entry);
  }
}

/**
 * A sink that writes a hash-only Delta straight into its binary form: the same bytes as
 * encodeTabOps of the text, without turning numbers into text and back (ingest's fold).
 */
export class HashOpsEncoder implements HashOpsSink {
  private readonly body = new ByteWriter();
  private count = 0;

  number(op: Exclude<HashOp, 'g'>, field: string, value: number): void {
    writeNumberOp(this.body, op, field, value);
    this.count += 1;
  }

  text(field: string, entry: string): void {
    writeTextOp(this.body, field, entry);
    this.count += 1;
  }

  /** The Delta: version, op count, the ops, no Buffer, no register groups. */
  encoded(): Buffer {
    const ops = this.body.done();
    // Version, then the op count as a varint (at most 8 bytes below 2^53), written in place.
    const out = Buffer.allocUnsafe(1 + 8 + ops.length + 2);
    out[0] = VERSION;
    let at = writeVarint(out, 1, this.count);
    out.set(ops, at);
    at += ops.length;
    out[at] = 0; // no Buffer
    out[at + 1] = 0; // no register groups
    return out.subarray(0, at + 2);
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
    if (op === 'g') writeTextOp(out, field, String(value));
    else writeNumberOp(out, op, field, typeof value === 'number' ? value : 0);
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
  const input = new ByteReader(bytes, malformed);
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
