// The live part the Tab and super-aggregate views share: a window selector, the render's
// figures, plots and tables, its JSON and the CLI command that prints it.
import { h, replace } from '../dom.js';
import type { Window } from '../render-view.js';
import { renderView } from '../render-view.js';
import type { SortState } from './widgets.js';
import { copyable, renderSection, windowSelector } from './widgets.js';

export interface RenderPanel {
  readonly element: HTMLElement;
  readonly window: () => Window;
  /** Draws `render` (the answer `json` came in) and the command that prints it. */
  show(render: unknown, json: unknown, command: string): void;
  /** Nothing to show (e.g. an unknown Tab): says why in place of the plots. */
  empty(message: string): void;
}

export function renderPanel(onWindow: () => void): RenderPanel {
  let window: Window = '1m';
  let last: { render: unknown; json: unknown; command: string } | undefined;
  const sorts: SortState[] = [];
  const selector = h('div');
  const content = h('div', { attrs: { 'data-testid': 'render' } });
  const element = h('section', { class: 'panel' }, selector, content);

  const drawSelector = () =>
    replace(
      selector,
      windowSelector(window, chosen => {
        window = chosen;
        drawSelector();
        redraw();
        onWindow();
      }),
    );
  const redraw = () => {
    if (last === undefined) return;
    replace(
      content,
      renderSection(renderView(last.render, window), sorts, redraw),
      copyable('CLI', last.command, 'cli-command'),
      copyable('JSON', JSON.stringify(last.json, null, 2), 'json'),
    );
  };
  drawSelector();
  return {
    element,
    window: () => window,
    show(render, json, command) {
      last = { render, json, command };
      redraw();
    },
    empty(message) {
      last = undefined;
      replace(content, h('p', { class: 'empty', attrs: { 'data-testid': 'empty' } }, message));
    },
  };
}
