import { describe, expect, it } from 'vitest';
import { StaticDiscovery } from './static-discovery.js';

describe('StaticDiscovery', () => {
  it('lists the configured instances, de-duplicated, ids being addresses', () => {
    const discovery = new StaticDiscovery({
      aggregator: ['127.0.0.1:1', '127.0.0.1:2', '127.0.0.1:1'],
    });
    expect(discovery.instances('aggregator')).toEqual([
      { id: '127.0.0.1:1', address: '127.0.0.1:1' },
      { id: '127.0.0.1:2', address: '127.0.0.1:2' },
    ]);
    expect(discovery.instances('query')).toEqual([]);
    const seen: number[] = [];
    const stop = discovery.watch('aggregator', list => seen.push(list.length));
    stop();
    expect(seen).toEqual([2]);
    expect(discovery.describe()).toEqual({
      discovery: 'static',
      'members.aggregator': '127.0.0.1:1,127.0.0.1:2',
    });
  });

  it('names an instance by its address, and registers nothing', async () => {
    const discovery = new StaticDiscovery({ aggregator: ['127.0.0.1:1'] });
    expect(discovery.idOf({ id: 'aggregator-1', address: '127.0.0.1:1' })).toBe('127.0.0.1:1');
    await discovery.register();
    await discovery.deregister();
    expect(discovery.instances('aggregator')).toEqual([
      { id: '127.0.0.1:1', address: '127.0.0.1:1' },
    ]);
    await discovery.close();
  });
});
