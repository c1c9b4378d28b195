/**
 * Packs one flat array for Redis's Lua `cmsgpack.unpack`, which reads the MessagePack of 2013:
 * it has no `bin` type, so bytes travel as raw strings (what a Lua string is anyway). Only
 * what commit.lua takes: non-negative integers below 2^32, strings, bytes. Pure.
 */
export type LuaPackable = number | string | Uint8Array;

function headerBytes(length: number): number {
  return length < 32 ? 1 : length < 256 ? 2 : length < 65536 ? 3 : 5;
}

function intBytes(value: number): number {
  return value < 128 ? 1 : value < 256 ? 2 : value < 65536 ? 3 : 5;
}

export function packForLua(values: readonly LuaPackable[]): Buffer {
  let size = values.length < 16 ? 1 : values.length < 65536 ? 3 : 5;
  const texts = new Map<number, number>();
  values.forEach((value, i) => {
    if (typeof value === 'number') {
      if (!Number.isInteger(value) || value < 0 || value >= 2 ** 32)
        throw new RangeError(`packForLua takes integers in [0, 2^32), got ${value}`);
      size += intBytes(value);
    } else {
      const length = typeof value === 'string' ? Buffer.byteLength(value) : value.byteLength;
      texts.set(i, length);
      size += headerBytes(length) + length;
    }
  });
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  const n = values.length;
  if (n < 16) out[at++] = 0x90 | n;
  else if (n < 65536) {
    out[at++] = 0xdc;
    at = out.writeUInt16BE(n, at);
  } else {
    out[at++] = 0xdd;
    at = out.writeUInt32BE(n, at);
  }
  values.forEach((value, i) => {
    if (typeof value === 'number') {
      if (value < 128) out[at++] = value;
      else if (value < 256) {
        out[at++] = 0xcc;
        out[at++] = value;
      } else if (value < 65536) {
        out[at++] = 0xcd;
        at = out.writeUInt16BE(value, at);
      } else {
        out[at++] = 0xce;
        at = out.writeUInt32BE(value, at);
      }
      return;
    }
    const length = texts.get(i) ?? 0;
    if (length < 32) out[at++] = 0xa0 | length;
    else if (length < 256) {
      out[at++] = 0xd9;
      out[at++] = length;
    } else if (length < 65536) {
      out[at++] = 0xda;
      at = out.writeUInt16BE(length, at);
    } else {
      out[at++] = 0xdb;
      at = out.writeUInt32BE(length, at);
    }
    if (typeof value === 'string') out.write(value, at, length, 'utf8');
    else out.set(value, at);
    at += length;
  });
  return out;
}
