import { describe, expect, it } from 'vitest';
import { PAGE_SIZE, tabEntries, tabPage, typesPresent } from './tab-list.js';

describe('the Tabs list', () => {
  it('reads /v1/types, a Histogram as its type', () => {
    expect(
      tabEntries({ bid: 'CounterGroup', lat: { type: 'Histogram', bounds: [1] }, odd: 3 }),
    ).toEqual([
      { name: 'bid', type: 'CounterGroup' },
      { name: 'lat', type: 'Histogram' },
      { name: 'odd', type: 'unknown' },
    ]);
    expect(tabEntries(null)).toEqual([]);
  });

  it('pages 30,000 Tabs 50 at a time, filtered by type and sorted', () => {
    const all = Array.from({ length: 30_000 }, (_, i) => ({
      name: `tab.${String(i).padStart(5, '0')}`,
      type: i % 3 === 0 ? 'Gauge' : 'CounterGroup',
    }));
    const first = tabPage(all, { type: '', sort: 'name', ascending: true, page: 0 });
    expect(first.entries.length).toBe(PAGE_SIZE);
    expect(first.pages).toBe(600);
    expect(first.entries[0]?.name).toBe('tab.00000');
    const last = tabPage(all, { type: 'Gauge', sort: 'name', ascending: false, page: 10_000 });
    expect(last.matching).toBe(10_000);
    expect(last.page).toBe(199);
    expect(last.entries.at(-1)?.name).toBe('tab.00000');
    const byType = tabPage(all, { type: '', sort: 'type', ascending: true, page: 0 });
    expect(byType.entries.every(entry => entry.type === 'CounterGroup')).toBe(true);
    expect(typesPresent(all)).toEqual(['CounterGroup', 'Gauge']);
  });

  it('has one empty page when nothing matches', () => {
    expect(tabPage([], { type: '', sort: 'name', ascending: true, page: 3 })).toEqual({
      entries: [],
      matching: 0,
      page: 0,
      pages: 1,
    });
  });
});
