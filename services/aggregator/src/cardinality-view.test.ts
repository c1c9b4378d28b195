import { describe, expect, it } from 'vitest';
import { CardinalityView } from './cardinality-view.js';
import type { CommitPart } from './redis/commit-args.js';

const part = (client: string): CommitPart => ({ partition: 0, client, seq: 1, tabs: [] });

describe('CardinalityView', () => {
  it('gives no caps when all are off', () => {
    const view = new CardinalityView({ maxTabs: 0, maxTabsPerClient: 0, maxClientsPerTab: 0 });
    expect(view.counting).toBe(false);
    expect(view.capsFor([part('a')])).toEqual({ maxClientsPerTab: 0, newTabsOfClient: new Map() });
  });

  it('budgets each call from the known counts, raised by what calls created', () => {
    const view = new CardinalityView({ maxTabs: 10, maxTabsPerClient: 4, maxClientsPerTab: 7 });
    view.replace({ tabs: 6, tabsOfClient: new Map([['a', 3]]) });
    expect(view.capsFor([part('a'), part('b')])).toEqual({
      newTabs: 4,
      maxClientsPerTab: 7,
      newTabsOfClient: new Map([
        ['a', 1],
        ['b', 4],
      ]),
    });
    view.record({ tabs: 2, cellsOf: new Map([['a', 1]]) }, ['TABS_PER_CLIENT', 'TABS_PER_CLIENT']);
    expect(view.capsFor([part('a')])).toMatchObject({
      newTabs: 2,
      newTabsOfClient: new Map([['a', 0]]),
    });
    expect(view.metrics()).toMatchObject({
      'cardinality.tabs_known': 8,
      'cardinality.refused_tabs_per_client': 2,
      'cardinality.refused_tabs': 0,
    });
  });

  it('budgets only the Tabs in all when the per-client cap is off', () => {
    const view = new CardinalityView({ maxTabs: 5, maxTabsPerClient: 0, maxClientsPerTab: 0 });
    view.record({ tabs: 2, cellsOf: new Map([['a', 2]]) }, []);
    expect(view.capsFor([part('a')])).toEqual({
      newTabs: 3,
      maxClientsPerTab: 0,
      newTabsOfClient: new Map(),
    });
  });
});
