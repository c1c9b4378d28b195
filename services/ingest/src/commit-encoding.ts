import type { CommitRequest, PartitionPart, TabDelta } from '@taba/common';
import { loadTabaProtos, TAB_TYPES, writeVarint } from '@taba/common';

/**
 * A hand-written encoder of `taba.internal.v1.CommitRequest` for the parts ingest builds: the
 * very bytes proto-loader's serializer writes (every field present is written, defaults too,
 * in field order; bounds packed), without building a protobufjs message per part and per Tab.
 * Anything outside what ingest sends (non-ASCII text, numbers out of range, other shapes)
 * goes to the generic serializer, so the output is always that serializer's.
 */
export function encodeCommitRequest(request: CommitRequest): Buffer {
  const sizes: number[] = [];
  const size = requestSize(request, sizes);
  if (size < 0)
    return loadTabaProtos().taba.internal.v1.Aggregator.service.Commit.requestSerialize(request);
  const out = new Output(Buffer.allocUnsafe(size), sizes);
  for (const part of request.parts ?? []) writePart(out, part);
  return out.bytes;
}

/** TabType numbers: UNSPECIFIED (0), then TAB_TYPES in order (protos/taba/v1/taba.proto). */
const TYPE_CODES = new Map<unknown, number>(
  ['TAB_TYPE_UNSPECIFIED', ...TAB_TYPES].map((type, code) => [type, code]),
);
const MAX_UINT32 = 0xffff_ffff;
/** What a size function answers when the generic serializer must do it. */
const GENERIC = -1;

function varintSize(value: number): number {
  let size = 1;
  for (let rest = value; rest >= 0x80; rest = Math.floor(rest / 0x80)) size += 1;
  return size;
}

/** UTF-8 length of an ASCII string, or GENERIC for anything else. */
function asciiSize(text: unknown): number {
  if (typeof text !== 'string') return GENERIC;
  for (let i = 0; i < text.length; i += 1) if (text.charCodeAt(i) >= 0x80) return GENERIC;
  return text.length;
}

function isUint53(value: unknown): boolean {
  return value === undefined || (Number.isSafeInteger(value) && (value as number) >= 0);
}

function isUint32(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= MAX_UINT32;
}

/** A length-delimited field of `length` bytes: tag, length, content. */
function delimited(length: number): number {
  return 1 + varintSize(length) + length;
}

function tabSize(tab: TabDelta): number {
  const name = asciiSize(tab.name);
  const type = TYPE_CODES.get(tab.type);
  const { delta, bounds = [] } = tab;
  if (name < 0 || type === undefined || !(delta instanceof Uint8Array) || !isUint32(tab.events))
    return GENERIC;
  if (!Array.isArray(bounds) || bounds.some(bound => typeof bound !== 'number')) return GENERIC;
  const boundsSize = bounds.length > 0 ? delimited(8 * bounds.length) : 0;
  return (
    delimited(name) +
    1 +
    varintSize(type) +
    delimited(delta.length) +
    1 +
    varintSize(tab.events) +
    boundsSize
  );
}

/** A part's size; pushes its size, then each Tab's, into `sizes` for the writer. */
function partSize(part: PartitionPart, sizes: number[]): number {
  const client = asciiSize(part.clientId);
  const { partition, seq, tabs = [], session = 0 } = part;
  if (client < 0 || !isUint32(partition) || !isUint53(seq) || !isUint53(session)) return GENERIC;
  const at = sizes.length;
  sizes.push(0);
  let size = 1 + varintSize(partition) + delimited(client) + 1 + varintSize(seq as number);
  for (const tab of tabs) {
    const tabBytes = tabSize(tab);
    if (tabBytes < 0) return GENERIC;
    sizes.push(tabBytes);
    size += delimited(tabBytes);
  }
  if (part.session !== undefined) size += 1 + varintSize(session as number);
  sizes[at] = size;
  return size;
}

function requestSize(request: CommitRequest, sizes: number[]): number {
  let size = 0;
  for (const part of request.parts ?? []) {
    const bytes = partSize(part, sizes);
    if (bytes < 0) return GENERIC;
    size += delimited(bytes);
  }
  return size;
}

/** Writes into a buffer of the exact size, taking the nested lengths `sizes` in order. */
class Output {
  private at = 0;
  private next = 0;

  constructor(
    readonly bytes: Buffer,
    private readonly sizes: readonly number[],
  ) {}

  nextSize(): number {
    const size = this.sizes[this.next] ?? 0;
    this.next += 1;
    return size;
  }

  varint(value: number): void {
    this.at = writeVarint(this.bytes, this.at, value);
  }

  ascii(tag: number, text: string): void {
    this.varint(tag);
    this.varint(text.length);
    for (let i = 0; i < text.length; i += 1) this.bytes[this.at + i] = text.charCodeAt(i);
    this.at += text.length;
  }

  raw(tag: number, bytes: Uint8Array): void {
    this.varint(tag);
    this.varint(bytes.length);
    this.bytes.set(bytes, this.at);
    this.at += bytes.length;
  }

  doubles(tag: number, values: readonly number[]): void {
    this.varint(tag);
    this.varint(8 * values.length);
    for (const value of values) {
      this.bytes.writeDoubleLE(value, this.at);
      this.at += 8;
    }
  }
}

// Field tags: (field number << 3) | wire type (0 varint, 2 length-delimited).
function writePart(out: Output, part: PartitionPart): void {
  out.varint(0x0a); // CommitRequest.parts = 1
  out.varint(out.nextSize());
  out.varint(0x08); // partition = 1
  out.varint(part.partition as number);
  out.ascii(0x12, part.clientId as string); // client_id = 2
  out.varint(0x18); // seq = 3
  out.varint(part.seq as number);
  for (const tab of part.tabs ?? []) {
    out.varint(0x22); // tabs = 4
    out.varint(out.nextSize());
    writeTab(out, tab);
  }
  if (part.session !== undefined) {
    out.varint(0x28); // session = 5
    out.varint(part.session as number);
  }
}

function writeTab(out: Output, tab: TabDelta): void {
  out.ascii(0x0a, tab.name as string); // name = 1
  out.varint(0x10); // type = 2
  out.varint(TYPE_CODES.get(tab.type) ?? 0);
  out.raw(0x1a, tab.delta as Uint8Array); // delta = 3
  out.varint(0x20); // events = 4
  out.varint(tab.events as number);
  const bounds = (tab.bounds ?? []) as readonly number[];
  if (bounds.length > 0) out.doubles(0x2a, bounds); // bounds = 5, packed
}
