/**
 * A total order on event values (numbers before strings; numbers ascending; strings
 * by code unit), so that ties between entries break the same way in every merge order.
 */
export function compareValues(a: number | string, b: number | string): number {
  if (typeof a === 'number') {
    if (typeof b === 'number') return a < b ? -1 : a > b ? 1 : 0;
    return -1;
  }
  if (typeof b === 'number') return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}
