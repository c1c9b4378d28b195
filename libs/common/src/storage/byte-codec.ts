import { writeVarint } from '../proto/varint.js';

/**
 * The byte-level writer and reader of the binary Delta form (tab-ops.ts): LEB128 varints,
 * little-endian doubles, length-prefixed UTF-8. A read past the end, or a value this writer
 * would not write, is `malformed(what)`: the caller's error (MALFORMED_DELTA). Pure.
 */

export type Malformed = (detail: string) => Error;

/** Appends to one growing buffer (doubling), so encoding allocates O(log size) times. */
export class ByteWriter {
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
export class ByteReader {
  private at = 0;
  private readonly bytes: Buffer;

  constructor(
    bytes: Uint8Array,
    private readonly malformed: Malformed,
  ) {
    this.bytes = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  private need(count: number, what: string): void {
    if (this.at + count > this.bytes.length) throw this.malformed(`truncated in ${what}`);
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
      if (length === 8) throw this.malformed(`${what} is not a varint`);
      scale *= 0x80;
    }
  }

  f64(what: string): number {
    this.need(8, what);
    const value = this.bytes.readDoubleLE(this.at);
    this.at += 8;
    if (!Number.isFinite(value)) throw this.malformed(`${what} is not a finite number`);
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
    if (value * minBytes > this.bytes.length - this.at)
      throw this.malformed(`${what} count ${value}`);
    return value;
  }

  end(): void {
    if (this.at !== this.bytes.length) throw this.malformed('trailing bytes');
  }
}
