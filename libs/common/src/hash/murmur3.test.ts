import { describe, expect, it } from 'vitest';
import { DecimalSuffixHasher, encodeUtf8, murmur3_32, murmur3_32String } from './murmur3.js';

/** mulberry32: a tiny seeded PRNG, so the random cases are the same on every run. */
function mulberry32(seed: number): () => number {
  let a = seed | 0;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Reference MurmurHash3_x86_32 written deliberately differently from the module: BigInt
 * arithmetic with explicit `mod 2^32`, a DataView for block reads and a switch-free tail loop.
 */
function referenceMurmur3(bytes: Uint8Array, seed: number): number {
  const M = 1n << 32n;
  const mul = (a: bigint, b: bigint): bigint => (a * b) % M;
  const rotl = (x: bigint, r: bigint): bigint => ((x << r) | (x >> (32n - r))) % M;
  const c1 = 0xcc9e2d51n;
  const c2 = 0x1b873593n;
  let h = BigInt(seed >>> 0);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const blocks = Math.floor(bytes.length / 4);
  for (let b = 0; b < blocks; b++) {
    let k = BigInt(view.getUint32(b * 4, true));
    k = mul(rotl(mul(k, c1), 15n), c2);
    h ^= k;
    h = (mul(rotl(h, 13n), 5n) + 0xe6546b64n) % M;
  }
  let tail = 0n;
  for (let j = bytes.length - 1; j >= blocks * 4; j--) {
    tail = (tail << 8n) | BigInt(bytes[j] ?? 0);
  }
  if (bytes.length % 4 !== 0) h ^= mul(rotl(mul(tail, c1), 15n), c2);
  h ^= BigInt(bytes.length);
  h ^= h >> 16n;
  h = mul(h, 0x85ebca6bn);
  h ^= h >> 13n;
  h = mul(h, 0xc2b2ae35n);
  h ^= h >> 16n;
  return Number(h);
}

describe('murmur3_32', () => {
  it.each([
    ['', 0, 0],
    ['', 1, 0x514e28b7],
    ['', 0xffffffff, 0x81f16f39],
    ['aaaa', 0x9747b28c, 0x5a97808a],
    ['Hello, world!', 0x9747b28c, 0x24884cba],
    ['The quick brown fox jumps over the lazy dog', 0x9747b28c, 0x2fa826cd],
    ['hello', 0, 0x248bfa47],
  ])('hashes the well-known vector %j (seed %i)', (text, seed, expected) => {
    expect(murmur3_32String(text, seed)).toBe(expected);
    expect(murmur3_32(encodeUtf8(text), seed)).toBe(expected);
  });

  it('hashes four zero bytes to 0x2362F9DE', () => {
    expect(murmur3_32(new Uint8Array([0, 0, 0, 0]), 0)).toBe(0x2362f9de);
    expect(murmur3_32String('\u0000\u0000\u0000\u0000')).toBe(0x2362f9de);
  });

  // Values from Python's mmh3 5.3.0, `mmh3.hash(s, seed, signed=False)`: covers tails of 1-3
  // bytes and multi-byte UTF-8 (2-, 3- and 4-byte sequences).
  it.each([
    ['a', 0, 0x3c2569b2],
    ['ab', 0, 0x9bbfd75f],
    ['abc', 0, 0xb3dd93fa],
    ['abcd', 0, 0x43ed676a],
    ['a', 0x9747b28c, 0x7fa09ea6],
    ['ab', 0x9747b28c, 0x74875592],
    ['abc', 0x9747b28c, 0xc84a62dd],
    ['€', 0, 0x5b43fca5],
    ['tab-ü', 0, 0xc3b8449b],
    ['Grüße, 世界 🌍', 0, 0x395604f1],
    ['Grüße, 世界 🌍', 0x9747b28c, 0x188e1cd1],
  ])('matches Python mmh3 for %j (seed %i)', (text, seed, expected) => {
    expect(murmur3_32String(text, seed)).toBe(expected);
    expect(referenceMurmur3(Buffer.from(text, 'utf8'), seed)).toBe(expected);
  });

  it('agrees with the BigInt reference on tails of length 1, 2 and 3', () => {
    const bytes = new Uint8Array([0xff, 0x80, 0x7f, 0x01, 0xfe, 0x00, 0xab]);
    for (let length = 0; length <= bytes.length; length++) {
      const slice = bytes.slice(0, length);
      for (const seed of [0, 1, 0x9747b28c, 0xffffffff]) {
        expect(murmur3_32(slice, seed)).toBe(referenceMurmur3(slice, seed));
      }
    }
  });

  it('agrees with the BigInt reference on 400 seeded-random byte arrays of length 0..40', () => {
    const random = mulberry32(0x5eed);
    for (let n = 0; n < 400; n++) {
      const length = n % 41;
      const bytes = new Uint8Array(length);
      for (let i = 0; i < length; i++) bytes[i] = Math.floor(random() * 256);
      const seed = n % 3 === 0 ? 0 : Math.floor(random() * 2 ** 32);
      expect(murmur3_32(bytes, seed)).toBe(referenceMurmur3(bytes, seed));
    }
  });

  it('hashes a subarray view by its own bytes, not the underlying buffer', () => {
    const backing = new Uint8Array([9, 9, 104, 101, 108, 108, 111, 9]);
    expect(murmur3_32(backing.subarray(2, 7))).toBe(0x248bfa47);
  });

  it('reduces seeds modulo 2^32', () => {
    expect(murmur3_32String('', 2 ** 32 + 1)).toBe(0x514e28b7);
    expect(murmur3_32String('', -1)).toBe(0x81f16f39);
  });

  it('always returns an unsigned 32-bit integer', () => {
    const random = mulberry32(7);
    for (let n = 0; n < 200; n++) {
      const h = murmur3_32String(`key-${Math.floor(random() * 1e9)}`, n);
      expect(Number.isInteger(h)).toBe(true);
      expect(h).toBeGreaterThanOrEqual(0);
      expect(h).toBeLessThan(2 ** 32);
    }
  });
});

describe('murmur3_32String', () => {
  it('equals murmur3_32 of the UTF-8 bytes for ASCII, non-ASCII and lone surrogates', () => {
    const random = mulberry32(42);
    // Code points from several UTF-8 length classes, plus a lone surrogate (encoded as U+FFFD).
    const alphabet = [
      'a',
      'Z',
      '0',
      '-',
      ':',
      '\u0000',
      '\u007f',
      'é',
      'ß',
      '€',
      '世',
      '🌍',
      '\ud800',
    ];
    for (let n = 0; n < 300; n++) {
      let text = '';
      const length = n % 20;
      for (let i = 0; i < length; i++) {
        // Two thirds of the strings stay ASCII so both code paths are exercised.
        const pool = n % 3 === 0 ? alphabet : alphabet.slice(0, 7);
        text += pool[Math.floor(random() * pool.length)];
      }
      const bytes = Buffer.from(text, 'utf8');
      expect(murmur3_32String(text, n)).toBe(referenceMurmur3(bytes, n));
    }
  });

  it('hashes a lone surrogate as U+FFFD', () => {
    expect(murmur3_32String('x\ud800y')).toBe(murmur3_32String('x\ufffdy'));
  });
});

describe('DecimalSuffixHasher', () => {
  it('equals murmur3_32String of prefix + decimal number', () => {
    for (const prefix of ['', 'a#', 'aggregator-1\u0000', 'shard-é#']) {
      const hasher = new DecimalSuffixHasher(prefix);
      for (const n of [0, 1, 9, 10, 99, 100, 1023, 65535, 1234567, Number.MAX_SAFE_INTEGER]) {
        expect(hasher.hash(n)).toBe(murmur3_32String(`${prefix}${n}`));
        expect(hasher.hash(n, 0x9747b28c)).toBe(murmur3_32String(`${prefix}${n}`, 0x9747b28c));
      }
    }
  });

  it('rejects negative, fractional and unsafe numbers', () => {
    const hasher = new DecimalSuffixHasher('p');
    expect(() => hasher.hash(-1)).toThrow(RangeError);
    expect(() => hasher.hash(1.5)).toThrow(RangeError);
    expect(() => hasher.hash(2 ** 53)).toThrow(RangeError);
    expect(() => hasher.hash(Number.NaN)).toThrow(RangeError);
  });
});
