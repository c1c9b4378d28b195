import type { TabTypeName } from '../handlers/tab-types.js';
import type { WindowSpec } from '../handlers/windows.js';
import { FINE_WINDOWS, firstLiveBucket, SKETCH_WINDOWS } from '../handlers/windows.js';

/** A field to delete; with `expected`, only while it still holds that value (gauges). */
export interface PrunableField {
  readonly field: string;
  readonly expected?: string;
}

// Windowed fields: <prefix><window>:<bucket>[:<more>]
const WINDOWED = /^(c|t|h|q|qn|qx)(\d):(-?\d+)(?::|$)/;
const GAUGE = /^g:/;

function windowsOf(prefix: string): readonly WindowSpec[] {
  return prefix.startsWith('q') ? SKETCH_WINDOWS : FINE_WINDOWS;
}

/**
 * The fields of a stored State that no render can use any more at `now`: buckets that
 * left their window, and gauge values past their expiry. Lifetime fields never go.
 * Pure: the aggregator's pruner deletes what this returns.
 */
export function prunableFields(
  type: TabTypeName,
  hash: Readonly<Record<string, string>>,
  now: number,
): PrunableField[] {
  const out: PrunableField[] = [];
  const gauge = type === 'GAUGE' || type === 'EXPIRY_GAUGE';
  for (const [field, value] of Object.entries(hash)) {
    if (gauge) {
      if (!GAUGE.test(field)) continue;
      const expires = Number(value.split('|')[1]);
      if (!(expires > now)) out.push({ field, expected: value });
      continue;
    }
    const match = WINDOWED.exec(field);
    if (!match) continue;
    const spec = windowsOf(match[1] ?? '')[Number(match[2])];
    if (spec && Number(match[3]) < firstLiveBucket(now, spec)) out.push({ field });
  }
  return out;
}

/** Buffer members (`ts|expires|…`) whose expiry has passed. */
export function expiredBufferMembers(members: readonly string[], now: number): string[] {
  return members.filter(member => !(Number(member.split('|')[1]) > now));
}
