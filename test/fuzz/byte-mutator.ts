// Seeded byte mutations, as a coverage-blind fuzzer applies them to a valid input: bit flips,
// interesting bytes, cuts, duplicated and deleted spans, random insertions.
import { SeededRandom } from '../../libs/common/src/test-support/seeded-random.js';

/** The seed of input `id` of entry point `entry` in a run seeded `seed` (FNV-1a). */
export function inputSeed(seed: number, entry: string, id: string): number {
  let hash = 0x811c9dc5 ^ seed;
  for (const char of `${entry}/${id}`) {
    hash ^= char.charCodeAt(0);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** The random source of one input: the same (seed, entry, id) always gives the same input. */
export function inputRandom(seed: number, entry: string, id: string): SeededRandom {
  return new SeededRandom(inputSeed(seed, entry, id));
}

/** Byte values that sit on the edges of varints, lengths and signs. */
const INTERESTING_BYTES = [0x00, 0x01, 0x7f, 0x80, 0xff, 0xfe, 0x0a, 0x22, 0x3a] as const;

export function randomBytes(random: SeededRandom, length: number): Buffer {
  const bytes = Buffer.alloc(length);
  for (let i = 0; i < length; i += 1) bytes[i] = random.int(0, 255);
  return bytes;
}

type Mutation = (bytes: Buffer, random: SeededRandom) => Buffer;

const MUTATIONS: readonly Mutation[] = [
  function flipBit(bytes, random) {
    if (bytes.length === 0) return bytes;
    const copy = Buffer.from(bytes);
    const at = random.int(0, copy.length - 1);
    copy[at] = (copy[at] ?? 0) ^ (1 << random.int(0, 7));
    return copy;
  },
  function interestingByte(bytes, random) {
    if (bytes.length === 0) return bytes;
    const copy = Buffer.from(bytes);
    copy[random.int(0, copy.length - 1)] = random.pick(INTERESTING_BYTES);
    return copy;
  },
  function truncate(bytes, random) {
    return bytes.subarray(0, random.int(0, bytes.length));
  },
  function deleteSpan(bytes, random) {
    const from = random.int(0, bytes.length);
    const to = Math.min(bytes.length, from + random.int(1, 16));
    return Buffer.concat([bytes.subarray(0, from), bytes.subarray(to)]);
  },
  function duplicateSpan(bytes, random) {
    const from = random.int(0, bytes.length);
    const to = Math.min(bytes.length, from + random.int(1, 64));
    const times = random.int(1, 4);
    const span = bytes.subarray(from, to);
    return Buffer.concat([
      bytes.subarray(0, to),
      ...Array.from({ length: times }, () => span),
      bytes.subarray(to),
    ]);
  },
  function insertRandom(bytes, random) {
    const at = random.int(0, bytes.length);
    return Buffer.concat([
      bytes.subarray(0, at),
      randomBytes(random, random.int(1, 8)),
      bytes.subarray(at),
    ]);
  },
  function overwriteRandom(bytes, random) {
    if (bytes.length === 0) return bytes;
    const copy = Buffer.from(bytes);
    const from = random.int(0, copy.length - 1);
    const to = Math.min(copy.length, from + random.int(1, 8));
    for (let i = from; i < to; i += 1) copy[i] = random.int(0, 255);
    return copy;
  },
];

/** `bytes` with one to four random mutations applied; `bytes` itself is never changed. */
export function mutateBytes(bytes: Buffer, random: SeededRandom): Buffer {
  let mutated = bytes;
  const count = random.int(1, 4);
  for (let i = 0; i < count; i += 1) mutated = random.pick(MUTATIONS)(mutated, random);
  return mutated;
}
