/**
 * MurmurHash3, x86 32-bit variant (Austin Appleby's `MurmurHash3_x86_32`).
 *
 * This is the hash every Taba component and every client uses to map a tab name to a partition
 * (see `partition.ts` and `docs/hashing.md`), so its output must be bit-for-bit identical to the
 * reference implementation (and to e.g. Python's `mmh3.hash(data, seed, signed=False)`).
 *
 * Pure code, no I/O. The byte variant allocates nothing; the string variant hashes ASCII-only
 * strings straight from their UTF-16 code units (no allocation) and falls back to one UTF-8
 * encoding for anything else.
 */

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;
const N = 0xe6546b64;

const utf8 = new TextEncoder();

/** UTF-8 bytes of `text` (lone surrogates become U+FFFD), from one module-level `TextEncoder`. */
export function encodeUtf8(text: string): Uint8Array {
  return utf8.encode(text);
}

/** One 32-bit block: k is scrambled and mixed into h. Returns the new h (signed int32). */
function mixBlock(h: number, k: number): number {
  let kk = Math.imul(k, C1);
  kk = (kk << 15) | (kk >>> 17);
  kk = Math.imul(kk, C2);
  let hh = h ^ kk;
  hh = (hh << 13) | (hh >>> 19);
  return (Math.imul(hh, 5) + N) | 0;
}

/** Mixes the 1..3 tail bytes (already packed little-endian into k) into h. */
function mixTail(h: number, k: number): number {
  let kk = Math.imul(k, C1);
  kk = (kk << 15) | (kk >>> 17);
  kk = Math.imul(kk, C2);
  return h ^ kk;
}

/** Final avalanche (`fmix32`), folding in the length. Returns an unsigned 32-bit integer. */
function finalize(h: number, length: number): number {
  let hh = h ^ length;
  hh ^= hh >>> 16;
  hh = Math.imul(hh, 0x85ebca6b);
  hh ^= hh >>> 13;
  hh = Math.imul(hh, 0xc2b2ae35);
  hh ^= hh >>> 16;
  return hh >>> 0;
}

/**
 * MurmurHash3_x86_32 of `bytes`.
 *
 * @param bytes - the input; hashed from offset 0 to `bytes.length`.
 * @param seed - 32-bit seed (taken modulo 2^32); default 0, which is what partitioning uses.
 * @returns the hash as an unsigned 32-bit integer in [0, 2^32).
 */
export function murmur3_32(bytes: Uint8Array, seed = 0): number {
  return hashBytes(bytes, bytes.length, seed);
}

/**
 * MurmurHash3_x86_32 of `bytes[0 .. length)`; `length` must be in [0, bytes.length]. Lets hot
 * loops reuse one scratch buffer instead of allocating subarrays.
 */
function hashBytes(bytes: Uint8Array, length: number, seed: number): number {
  const blockEnd = length & ~3;
  let h = seed | 0;
  let i = 0;
  // Indexes below are always < length, so `?? 0` never fires; it only satisfies the type checker.
  for (; i < blockEnd; i += 4) {
    const k =
      (bytes[i] ?? 0) |
      ((bytes[i + 1] ?? 0) << 8) |
      ((bytes[i + 2] ?? 0) << 16) |
      ((bytes[i + 3] ?? 0) << 24);
    h = mixBlock(h, k);
  }
  const rest = length & 3;
  if (rest !== 0) {
    let k = 0;
    if (rest === 3) k ^= (bytes[i + 2] ?? 0) << 16;
    if (rest >= 2) k ^= (bytes[i + 1] ?? 0) << 8;
    k ^= bytes[i] ?? 0;
    h = mixTail(h, k);
  }
  return finalize(h, length);
}

/** Hashes an ASCII-only string (every code unit < 0x80), whose UTF-8 bytes are its code units. */
function murmur3_32Ascii(text: string, seed: number): number {
  const length = text.length;
  const blockEnd = length & ~3;
  let h = seed | 0;
  let i = 0;
  for (; i < blockEnd; i += 4) {
    const k =
      text.charCodeAt(i) |
      (text.charCodeAt(i + 1) << 8) |
      (text.charCodeAt(i + 2) << 16) |
      (text.charCodeAt(i + 3) << 24);
    h = mixBlock(h, k);
  }
  const rest = length & 3;
  if (rest !== 0) {
    let k = 0;
    if (rest === 3) k ^= text.charCodeAt(i + 2) << 16;
    if (rest >= 2) k ^= text.charCodeAt(i + 1) << 8;
    k ^= text.charCodeAt(i);
    h = mixTail(h, k);
  }
  return finalize(h, length);
}

/**
 * MurmurHash3_x86_32 of the UTF-8 encoding of `text`.
 *
 * Lone surrogates are encoded as U+FFFD (the WHATWG `TextEncoder` behaviour), which is what
 * any conforming UTF-8 encoder with replacement produces; well-formed strings are unaffected.
 *
 * @param text - the string; its UTF-8 bytes are hashed.
 * @param seed - 32-bit seed (taken modulo 2^32); default 0.
 * @returns the hash as an unsigned 32-bit integer in [0, 2^32).
 */
export function murmur3_32String(text: string, seed = 0): number {
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) >= 0x80) return murmur3_32(utf8.encode(text), seed);
  }
  return murmur3_32Ascii(text, seed);
}

/** Decimal digits of Number.MAX_SAFE_INTEGER. */
const MAX_SAFE_DECIMAL_DIGITS = 16;

/**
 * Hashes `prefix + decimal(n)` (UTF-8, MurmurHash3_x86_32) for many integers n without
 * allocating: the prefix is encoded once into a scratch buffer and only the digits are rewritten.
 * `new DecimalSuffixHasher('a#').hash(12)` equals `murmur3_32String('a#12')`. Used to score
 * rendezvous pairs and to place ring virtual nodes.
 */
export class DecimalSuffixHasher {
  readonly #buffer: Uint8Array;
  readonly #prefixLength: number;

  /** @param prefix - the fixed leading text, hashed as UTF-8. */
  constructor(prefix: string) {
    const encoded = utf8.encode(prefix);
    this.#prefixLength = encoded.length;
    this.#buffer = new Uint8Array(encoded.length + MAX_SAFE_DECIMAL_DIGITS);
    this.#buffer.set(encoded);
  }

  /**
   * @param n - a non-negative safe integer, written in plain decimal (no sign, no leading zeros).
   * @param seed - 32-bit seed; default 0.
   * @returns murmur3_32 of the UTF-8 bytes of `prefix + String(n)`, unsigned.
   * @throws RangeError when `n` is not a non-negative safe integer.
   */
  hash(n: number, seed = 0): number {
    if (!Number.isSafeInteger(n) || n < 0) {
      throw new RangeError(`n must be a non-negative safe integer, got ${String(n)}`);
    }
    const buffer = this.#buffer;
    const offset = this.#prefixLength;
    let digits = 1;
    for (let v = n; v >= 10; v = Math.floor(v / 10)) digits++;
    let v = n;
    for (let i = offset + digits - 1; i >= offset; i--) {
      buffer[i] = 0x30 + (v % 10);
      v = Math.floor(v / 10);
    }
    return hashBytes(buffer, offset + digits, seed);
  }
}
