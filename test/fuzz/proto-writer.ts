// A minimal protobuf wire writer: enough to build valid EventBatches and the shapes a strict
// encoder never writes (unpacked doubles, repeated singular fields, lengths that lie).

export const WIRE = { varint: 0, fixed64: 1, length: 2, startGroup: 3, endGroup: 4, fixed32: 5 };

export class ProtoWriter {
  private buffer = Buffer.allocUnsafe(256);
  private used = 0;

  private room(bytes: number): void {
    if (this.used + bytes <= this.buffer.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buffer.length * 2, this.used + bytes));
    this.buffer.copy(grown, 0, 0, this.used);
    this.buffer = grown;
  }

  private push(byte: number): void {
    this.room(1);
    this.buffer[this.used] = byte;
    this.used += 1;
  }

  /** An unsigned varint of any safe integer (arithmetic, so values past 2^31 stay right). */
  varint(value: number): this {
    let rest = value;
    while (rest >= 0x80) {
      this.push((rest % 0x80) | 0x80);
      rest = Math.floor(rest / 0x80);
    }
    this.push(rest);
    return this;
  }

  /** The largest varint the format allows: ten bytes, 2^64 - 1. */
  maxVarint(): this {
    for (let i = 0; i < 9; i += 1) this.push(0xff);
    this.push(0x01);
    return this;
  }

  tag(field: number, wireType: number): this {
    return this.varint(field * 8 + wireType);
  }

  double(value: number): this {
    this.room(8);
    this.buffer.writeDoubleLE(value, this.used);
    this.used += 8;
    return this;
  }

  raw(bytes: Uint8Array): this {
    this.room(bytes.length);
    this.buffer.set(bytes, this.used);
    this.used += bytes.length;
    return this;
  }

  /** A length-delimited field holding `payload`, with its true length unless `claimed` is given. */
  lengthDelimited(field: number, payload: Uint8Array, claimed?: number): this {
    return this.tag(field, WIRE.length)
      .varint(claimed ?? payload.length)
      .raw(payload);
  }

  string(field: number, value: string): this {
    return this.lengthDelimited(field, Buffer.from(value, 'utf8'));
  }

  varintField(field: number, value: number): this {
    return this.tag(field, WIRE.varint).varint(value);
  }

  doubleField(field: number, value: number): this {
    return this.tag(field, WIRE.fixed64).double(value);
  }

  /** A repeated double, packed (one length-delimited run) as proto3 encoders write it. */
  packedDoubles(field: number, values: readonly number[]): this {
    const packed = new ProtoWriter();
    for (const value of values) packed.double(value);
    return this.lengthDelimited(field, packed.finish());
  }

  /** A repeated double, unpacked (one tagged fixed64 per value), which parsers must accept too. */
  unpackedDoubles(field: number, values: readonly number[]): this {
    for (const value of values) this.doubleField(field, value);
    return this;
  }

  get length(): number {
    return this.used;
  }

  /** A copy of what was written. */
  finish(): Buffer {
    return Buffer.from(this.buffer.subarray(0, this.used));
  }
}
