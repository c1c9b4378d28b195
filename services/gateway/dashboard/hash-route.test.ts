import { describe, expect, it } from 'vitest';
import type { Route } from './hash-route.js';
import { formatRoute, parseRoute } from './hash-route.js';

describe('routes', () => {
  it('round-trips every view through the address', () => {
    const routes: Route[] = [
      { view: 'tabs', search: '' },
      { view: 'tabs', search: '^bid\\.(a|b)+' },
      { view: 'tab', name: 'a+b/c?d', clients: [] },
      { view: 'tab', name: 'bid', clients: ['web-1', 'web-2'] },
      { view: 'super', pattern: '^lat\\.' },
      { view: 'cluster' },
    ];
    for (const route of routes) expect(parseRoute(formatRoute(route))).toEqual(route);
  });

  it('shows the Tabs view for an empty or unknown address', () => {
    expect(parseRoute('')).toEqual({ view: 'tabs', search: '' });
    expect(parseRoute('#/nowhere')).toEqual({ view: 'tabs', search: '' });
    expect(parseRoute('#/tab')).toEqual({ view: 'tabs', search: '' });
  });
});
