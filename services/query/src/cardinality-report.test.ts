import { describe, expect, it } from 'vitest';
import { CardinalityTally, cardinalityTop } from './cardinality-report.js';

const partition = (tabs: Record<string, number>, clients: Record<string, number>) => ({
  clientsOfTab: new Map(Object.entries(tabs)),
  tabsOfClient: new Map(Object.entries(clients)),
});

describe('CardinalityTally', () => {
  it('sums clients over partitions and lists the top of each, most first, ties by name', () => {
    const tally = new CardinalityTally(2);
    tally.add(partition({ 'a.1': 3, 'a.2': 1 }, { x: 2, y: 1, z: 1 }));
    tally.add(partition({ 'b.1': 3, 'b.2': 2 }, { x: 2, y: 2, z: 1 }));
    expect(tally.report()).toEqual({
      tabs: 4,
      clients: 3,
      states: 9,
      topTabs: [
        { name: 'a.1', clients: 3 },
        { name: 'b.1', clients: 3 },
      ],
      topClients: [
        { clientId: 'x', tabs: 4 },
        { clientId: 'y', tabs: 3 },
      ],
    });
  });

  it('keeps the right top Tabs out of many more than it holds at once', () => {
    const tally = new CardinalityTally(3);
    const tabs: Record<string, number> = {};
    for (let i = 0; i < 10_000; i += 1) tabs[`t.${i}`] = i % 5000;
    tally.add(partition(tabs, {}));
    expect(tally.report().topTabs).toEqual([
      { name: 't.4999', clients: 4999 },
      { name: 't.9999', clients: 4999 },
      { name: 't.4998', clients: 4998 },
    ]);
  });
});

describe('cardinalityTop', () => {
  it('takes 20 for 0, the request up to the maximum, and refuses more', () => {
    expect(cardinalityTop(0, 1000)).toBe(20);
    expect(cardinalityTop(0, 5)).toBe(5);
    expect(cardinalityTop(1000, 1000)).toBe(1000);
    expect(() => cardinalityTop(1001, 1000)).toThrow(/TABA_CARDINALITY_TOP_MAX/);
  });
});
