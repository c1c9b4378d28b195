/**
 * Long loops in slices: a read of every Tab restores, merges and renders thousands of States,
 * and while a loop runs no other request of the instance moves. These helpers give the event
 * loop a turn (`setImmediate`: pending I/O first) whenever a loop has run for SLICE_MS, so a
 * small read waits for at most a slice of a large one, not for all of it.
 */

/** How long a loop runs before it lets other callbacks in, ms. */
export const SLICE_MS = 8;
/** Items between two looks at the clock. */
const CHECK_EVERY = 32;

export function yieldToLoop(): Promise<void> {
  return new Promise(resolve => setImmediate(resolve));
}

/** `items.map(map)`, in slices of about SLICE_MS. */
export async function mapInSlices<T, R>(
  items: readonly T[],
  map: (item: T, index: number) => R,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let sliceStart = performance.now();
  for (let i = 0; i < items.length; i += 1) {
    results[i] = map(items[i] as T, i);
    if (i % CHECK_EVERY === CHECK_EVERY - 1 && performance.now() - sliceStart >= SLICE_MS) {
      await yieldToLoop();
      sliceStart = performance.now();
    }
  }
  return results;
}

/** `items.forEach(each)`, in slices of about SLICE_MS. */
export async function forEachInSlices<T>(
  items: readonly T[],
  each: (item: T, index: number) => void,
): Promise<void> {
  await mapInSlices(items, each);
}
