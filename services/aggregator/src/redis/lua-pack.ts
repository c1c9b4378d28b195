/**
 * Packs one flat array for Redis's Lua `cmsgpack.unpack`, which reads the MessagePack of 2013:
 * it has no `bin` type, so bytes travel as raw strings (what a Lua string is anyway). Only
 * what commit.lua takes: non-negative integers below 2^32, strings, bytes. Pure.
 */
export type LuaPackable = number | string | Uint8Array;

/** A MessagePack family: its one-byte form (`base | n` below `fixLimit`), then 8/16/32-bit codes. */
interface Family {
  readonly fixBase: number;
  readonly fixLimit: number;
  readonly u8?: number;
  readonly u16: number;
  readonly u32: number;
}

const ARRAY: Family = { fixBase: 0x90, fixLimit: 16, u16: 0xdc, u32: 0xdd };
const UINT: Family = { fixBase: 0, fixLimit: 128, u8: 0xcc, u16: 0xcd, u32: 0xce };
const STR: Family = { fixBase: 0xa0, fixLimit: 32, u8: 0xd9, u16: 0xda, u32: 0xdb };

function headBytes(family: Family, n: number): number {
  if (n < family.fixLimit) return 1;
  if (family.u8 !== undefined && n < 256) return 2;
  return n < 65536 ? 3 : 5;
}

/** Writes `n` in its family's shortest form at `at`; returns the offset after it. */
function writeHead(out: Buffer, at: number, family: Family, n: number): number {
  if (n < family.fixLimit) {
    out[at] = family.fixBase | n;
    return at + 1;
  }
  if (family.u8 !== undefined && n < 256) {
    out[at] = family.u8;
    out[at + 1] = n;
    return at + 2;
  }
  if (n < 65536) {
    out[at] = family.u16;
    return out.writeUInt16BE(n, at + 1);
  }
  out[at] = family.u32;
  return out.writeUInt32BE(n, at + 1);
}

export function packForLua(values: readonly LuaPackable[]): Buffer {
  let size = headBytes(ARRAY, values.length);
  const lengths = values.map(value => {
    if (typeof value === 'number') {
      if (!Number.isInteger(value) || value < 0 || value >= 2 ** 32)
        throw new RangeError(`packForLua takes integers in [0, 2^32), got ${value}`);
      size += headBytes(UINT, value);
      return 0;
    }
    const length = typeof value === 'string' ? Buffer.byteLength(value) : value.byteLength;
    size += headBytes(STR, length) + length;
    return length;
  });
  const out = Buffer.allocUnsafe(size);
  let at = writeHead(out, 0, ARRAY, values.length);
  values.forEach((value, i) => {
    if (typeof value === 'number') {
      at = writeHead(out, at, UINT, value);
      return;
    }
    const length = lengths[i] ?? 0;
    at = writeHead(out, at, STR, length);
    if (typeof value === 'string') out.write(value, at, length, 'utf8');
    else out.set(value, at);
    at += length;
  });
  return out;
}
