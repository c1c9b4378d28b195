// How big generated inputs get. Most inputs are cheap (small, many in flight); the heavy ones
// (the largest sizes each generator knows) are sent one at a time in a phase of their own, so
// their latency is theirs alone and they do not starve the cheap ones.

/** Largest count or length of a cheap input's parts. */
export const CHEAP_MAX = 64;

/** A size in [1, max], log-uniform: mostly small, sometimes near the top. */
export function logUniform(random: { next(): number }, max: number): number {
  return Math.max(1, Math.floor(Math.exp(random.next() * Math.log(max))));
}

/** A size for a heavy input up to `max`, for a cheap one up to CHEAP_MAX. */
export function sized(random: { next(): number }, max: number, heavy: boolean): number {
  return logUniform(random, heavy ? max : Math.min(max, CHEAP_MAX));
}
