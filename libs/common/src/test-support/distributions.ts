import { SeededRandom } from './seeded-random.js';

/** The distributions percentile accuracy is checked on (and benchmarked with). */
export const DISTRIBUTIONS: Readonly<Record<string, (random: SeededRandom) => number>> = {
  uniform: random => random.next() * 1000,
  lognormal: random => Math.exp(random.normal()),
  bimodal: random =>
    random.next() < 0.7 ? 100 + 10 * random.normal() : 1000 + 50 * random.normal(),
  'normal around zero': random => 100 * random.normal(),
};

export function sample(name: string, count: number, seed: number): number[] {
  const draw = DISTRIBUTIONS[name];
  if (!draw) throw new Error(`unknown distribution ${name}`);
  const random = new SeededRandom(seed);
  return Array.from({ length: count }, () => draw(random));
}

/** The exact value the sketch estimates: the element of rank floor(q·(n−1)). */
export function exactQuantile(sorted: readonly number[], q: number): number {
  return sorted[Math.floor(q * (sorted.length - 1))] ?? Number.NaN;
}

export function relativeError(estimate: number, exact: number): number {
  return exact === 0 ? Math.abs(estimate) : Math.abs(estimate - exact) / Math.abs(exact);
}
