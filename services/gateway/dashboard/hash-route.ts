// The page's address after `#`: which view, with what, so a view can be bookmarked and the
// browser's back button works. Pure, unit-tested.

export type Route =
  | { readonly view: 'tabs'; readonly search: string }
  | { readonly view: 'tab'; readonly name: string; readonly clients: readonly string[] }
  | { readonly view: 'super'; readonly pattern: string }
  | { readonly view: 'cluster' };

function listParam(params: URLSearchParams, key: string): string[] {
  const value = params.get(key) ?? '';
  return value === '' ? [] : value.split(',');
}

export function parseRoute(hash: string): Route {
  const text = hash.startsWith('#') ? hash.slice(1) : hash;
  const query = text.indexOf('?');
  const path = query < 0 ? text : text.slice(0, query);
  const params = new URLSearchParams(query < 0 ? '' : text.slice(query + 1));
  if (path === '/tab' && params.has('name')) {
    return { view: 'tab', name: params.get('name') ?? '', clients: listParam(params, 'clients') };
  }
  if (path === '/super') return { view: 'super', pattern: params.get('re') ?? '' };
  if (path === '/cluster') return { view: 'cluster' };
  return { view: 'tabs', search: params.get('re') ?? '' };
}

export function formatRoute(route: Route): string {
  const params = new URLSearchParams();
  switch (route.view) {
    case 'tab':
      params.set('name', route.name);
      if (route.clients.length > 0) params.set('clients', route.clients.join(','));
      return `#/tab?${params}`;
    case 'super':
      params.set('re', route.pattern);
      return `#/super?${params}`;
    case 'cluster':
      return '#/cluster';
    case 'tabs':
      if (route.search === '') return '#/tabs';
      params.set('re', route.search);
      return `#/tabs?${params}`;
  }
}
