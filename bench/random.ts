// Seeded randomness for the load: the same seed gives the same batches, so runs compare.

/** mulberry32: a small, fast 32-bit PRNG; uniform in [0, 1). */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A 32-bit seed from names and numbers (FNV-1a), e.g. seedOf('deep', worker, variant). */
export function seedOf(...parts: readonly (string | number)[]): number {
  let hash = 0x811c9dc5;
  for (const char of parts.join('/')) {
    hash ^= char.charCodeAt(0);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/**
 * Log-normal values exp(mu + sigma·N(0,1)), N by Box–Muller. mu 3, sigma 1: median ≈ 20, a
 * long right tail (p99 ≈ 200), like request latencies in ms.
 */
export const LOG_NORMAL = { mu: 3, sigma: 1 } as const;

export function logNormal(random: () => number): number {
  const u = 1 - random(); // (0, 1]: log(u) is finite
  const normal = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
  return Math.exp(LOG_NORMAL.mu + LOG_NORMAL.sigma * normal);
}

/** `count` log-normal values. */
export function logNormalArray(random: () => number, count: number): Float64Array {
  const values = new Float64Array(count);
  for (let i = 0; i < count; i += 1) values[i] = logNormal(random);
  return values;
}

/** A Gauge's string value (a version, a few distinct) or a Unique's (a user ID of 100,000). */
export function benchString(type: 'GAUGE' | 'UNIQUE', random: () => number): string {
  return type === 'GAUGE'
    ? `v1.${Math.floor(random() * 8)}`
    : `user-${Math.floor(random() * 100_000)}`;
}
