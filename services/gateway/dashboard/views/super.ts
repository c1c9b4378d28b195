// The super-aggregate view: a regex over names of one type, merged live (GET
// /v1/supertabs?re=1&detail=1 every second), with the Tabs it matches (GET /v1/types).
import { apiGet } from '../api.js';
import { cliCommand } from '../cli-command.js';
import { formatNumber, h, replace } from '../dom.js';
import { formatRoute } from '../hash-route.js';
import { isAbort, poll } from '../poller.js';
import { tabEntries } from '../tab-list.js';
import type { Unmount, ViewContext } from './context.js';
import { gatewayOption } from './context.js';
import { renderPanel } from './render-panel.js';

const RENDER_EVERY_MS = 1000;
const MATCHES_EVERY_MS = 5000;
const SHOWN_MATCHES = 20;

export function mountSuper(root: HTMLElement, initial: string, context: ViewContext): Unmount {
  let pattern = initial;
  const input = h('input', {
    attrs: {
      type: 'search',
      placeholder: 'regex over names of one type, e.g. ^bid\\.',
      'aria-label': 'super-aggregate regex',
      'data-testid': 'super-pattern',
      value: pattern,
    },
  });
  const matches = h('p', { class: 'summary', attrs: { 'data-testid': 'super-matches' } });
  const panel = renderPanel(() => {});
  replace(
    root,
    h('h2', {}, 'Super-aggregate'),
    h(
      'form',
      {
        class: 'controls',
        on: {
          submit: event => {
            event.preventDefault();
            pattern = input.value;
            history.replaceState(null, '', formatRoute({ view: 'super', pattern }));
            restart();
          },
        },
      },
      input,
      h('button', { attrs: { type: 'submit' } }, 'merge'),
    ),
    matches,
    panel.element,
  );

  async function loadRender(signal: AbortSignal): Promise<void> {
    try {
      const render = await apiGet(
        '/v1/supertabs',
        { name: pattern, re: true, detail: true },
        signal,
      );
      const command = cliCommand({
        command: 'super',
        names: [pattern],
        clients: [],
        regex: true,
        detail: true,
        ...gatewayOption(context),
      });
      panel.show(render, render, command);
      context.errors.clear('super');
    } catch (error) {
      if (isAbort(error, signal)) return;
      context.errors.report('super', error);
      panel.empty('Nothing merged: see the error above.');
    }
  }

  async function loadMatches(signal: AbortSignal): Promise<void> {
    try {
      const entries = tabEntries(await apiGet('/v1/types', { name: pattern, re: true }, signal));
      const types = [...new Set(entries.map(entry => entry.type))].join(', ');
      const names = entries.slice(0, SHOWN_MATCHES).map(entry => entry.name);
      const more =
        entries.length > SHOWN_MATCHES ? ` and ${entries.length - SHOWN_MATCHES} more` : '';
      matches.textContent = `${formatNumber(entries.length)} Tabs match (${types || 'no type'}): ${names.join(', ')}${more}`;
      context.errors.clear('matches');
    } catch (error) {
      if (!isAbort(error, signal)) context.errors.report('matches', error);
    }
  }

  let stops: (() => void)[] = [];
  function restart(): void {
    for (const stop of stops) stop();
    stops = [];
    context.errors.reset();
    if (pattern === '') {
      matches.textContent = 'Enter a pattern: every Tab it matches must be of one type.';
      panel.empty('No pattern yet.');
      return;
    }
    stops = [poll(loadRender, RENDER_EVERY_MS), poll(loadMatches, MATCHES_EVERY_MS)];
  }
  restart();
  return () => {
    for (const stop of stops) stop();
  };
}
