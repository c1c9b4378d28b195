/** Which Tabs may be merged into one super-aggregate. Pure. */
import type { TabTypeName } from '@taba/common';
import { FailedPreconditionError, sameBounds } from '@taba/common';
import { listSome } from './selection.js';

/** What the check needs of a Tab. */
export interface TypedTab {
  readonly name: string;
  readonly type: TabTypeName;
  /** HISTOGRAM bounds; empty for other types. */
  readonly bounds: readonly number[];
}

/** Names shown per group in the error message. */
const NAMES_SHOWN = 3;

function groupBy<K>(tabs: readonly TypedTab[], keyOf: (tab: TypedTab) => K): Map<K, string[]> {
  const groups = new Map<K, string[]>();
  for (const tab of tabs) {
    const key = keyOf(tab);
    const names = groups.get(key) ?? [];
    names.push(tab.name);
    groups.set(key, names);
  }
  return groups;
}

/**
 * Throws FAILED_PRECONDITION unless every Tab has the same type (reason MIXED_TYPES) and, for
 * histograms, the same bounds (reason MIXED_BOUNDS). The message lists each type (or bounds)
 * with a few of its Tabs.
 */
export function checkMergeable(tabs: readonly TypedTab[]): void {
  const byType = groupBy(tabs, tab => tab.type);
  if (byType.size > 1) {
    const parts = [...byType].map(([type, names]) => `${type} (${listSome(names, NAMES_SHOWN)})`);
    throw new FailedPreconditionError(
      'MIXED_TYPES',
      `a super-aggregate merges Tabs of one type, but the filter selects ${parts.join(', ')}`,
    );
  }
  const first = tabs[0];
  if (first?.type !== 'HISTOGRAM') return;
  if (tabs.every(tab => sameBounds(tab.bounds, first.bounds))) return;
  const byBounds = groupBy(tabs, tab => tab.bounds.join(','));
  const parts = [...byBounds].map(
    ([bounds, names]) => `[${bounds}] (${listSome(names, NAMES_SHOWN)})`,
  );
  throw new FailedPreconditionError(
    'MIXED_BOUNDS',
    `a super-aggregate merges HISTOGRAM Tabs with the same bounds, but the filter selects bounds ${parts.join(', ')}`,
  );
}
