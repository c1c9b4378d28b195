// The dashboard's entry: the header (views, token), the error banner, and the view the
// address's `#` part names; leaving a view stops its polling.
import './style.css';
import { apiGet, sessionToken, setSessionToken } from './api.js';
import { h, replace } from './dom.js';
import { ErrorBanner } from './errors.js';
import type { Route } from './hash-route.js';
import { formatRoute, parseRoute } from './hash-route.js';
import { instancesOf } from './cluster-summary.js';
import { mountCluster } from './views/cluster.js';
import type { Unmount, ViewContext } from './views/context.js';
import { mountSuper } from './views/super.js';
import { mountTab } from './views/tab.js';
import { mountTabs } from './views/tabs.js';

const app = document.getElementById('app');
if (app === null) throw new Error('index.html has no #app');

const banner = h('div', { class: 'errors', attrs: { role: 'alert', 'data-testid': 'errors' } });
banner.hidden = true;
const errors = new ErrorBanner(banner);
const view = h('main');
let gatewayAddress: string | undefined;

const tokenInput = h('input', {
  attrs: {
    type: 'password',
    placeholder: 'bearer token (if auth is on)',
    'aria-label': 'bearer token',
    autocomplete: 'off',
    value: sessionToken(),
  },
  on: {
    change: () => {
      setSessionToken(tokenInput.value.trim());
      learnGatewayAddress();
      show(parseRoute(location.hash));
    },
  },
});

const links: readonly [string, Route][] = [
  ['Tabs', { view: 'tabs', search: '' }],
  ['Super-aggregate', { view: 'super', pattern: '' }],
  ['Cluster', { view: 'cluster' }],
];
const nav = h(
  'nav',
  {},
  ...links.map(([label, route]) =>
    h('a', { attrs: { href: formatRoute(route), 'data-view': route.view } }, label),
  ),
);

replace(
  app,
  h('header', {}, h('h1', {}, 'Taba'), nav, h('label', { class: 'token' }, 'token ', tokenInput)),
  banner,
  view,
);

const context: ViewContext = {
  errors,
  gatewayAddress: () => gatewayAddress,
};

let unmount: Unmount | undefined;
function show(route: Route): void {
  unmount?.();
  errors.reset();
  for (const link of nav.querySelectorAll('a')) {
    link.classList.toggle(
      'selected',
      link.dataset.view === (route.view === 'tab' ? 'tabs' : route.view),
    );
  }
  switch (route.view) {
    case 'tabs':
      unmount = mountTabs(view, route.search, context);
      break;
    case 'tab':
      unmount = mountTab(view, route.name, route.clients, context);
      break;
    case 'super':
      unmount = mountSuper(view, route.pattern, context);
      break;
    case 'cluster':
      unmount = mountCluster(view, context);
      break;
  }
}

window.addEventListener('hashchange', () => show(parseRoute(location.hash)));
show(parseRoute(location.hash));

/**
 * The gateway's gRPC address, for the CLI commands shown (the first instance is the gateway).
 * Without it the commands use the CLI's default gateway; a failure shows in the cluster view.
 */
function learnGatewayAddress(): void {
  apiGet('/v1/status', {}).then(
    status => {
      gatewayAddress = instancesOf(status)[0]?.address;
    },
    () => {
      gatewayAddress = undefined;
    },
  );
}
learnGatewayAddress();
