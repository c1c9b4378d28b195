/** Render assembly: a State and a mode → the body of a RenderedTab. Pure. */
import type { AnyTabHandler, RenderView } from '@taba/common';
import { InvalidArgumentError, renderText } from '@taba/common';

/** The render modes of `taba.v1.RenderMode`, UNSPECIFIED read as JSON. */
export type RenderModeName = 'JSON' | 'TEXT' | 'DETAIL';

const MODES: Readonly<Record<string, RenderModeName>> = {
  RENDER_MODE_UNSPECIFIED: 'JSON',
  JSON: 'JSON',
  TEXT: 'TEXT',
  DETAIL: 'DETAIL',
  0: 'JSON',
  1: 'JSON',
  2: 'TEXT',
  3: 'DETAIL',
};

/** The request's mode; an unknown one is INVALID_ARGUMENT (BAD_RENDER_MODE). */
export function renderModeOf(mode: string | number | null | undefined): RenderModeName {
  const found = MODES[String(mode ?? 'RENDER_MODE_UNSPECIFIED')];
  if (!found) {
    throw new InvalidArgumentError('BAD_RENDER_MODE', `unknown render mode ${String(mode)}`);
  }
  return found;
}

/**
 * The admission units of one body in a mode (cost-admission.ts): a detail render, with every
 * bucket's series, measured at about twice the work of a JSON or text one.
 */
export function renderWeight(mode: RenderModeName): number {
  return mode === 'DETAIL' ? 2 : 1;
}

/**
 * The body of one rendered State, at the handler's clock now:
 * JSON → `JSON.stringify(render)`; TEXT → `renderText(render)` (`path=value` pairs, the
 * caller prefixes `name: `); DETAIL → `JSON.stringify(renderDetail)`.
 */
export function renderBody(
  handler: AnyTabHandler,
  state: unknown,
  view: RenderView,
  mode: RenderModeName,
): string {
  switch (mode) {
    case 'JSON':
      return JSON.stringify(handler.render(state, view));
    case 'TEXT':
      return renderText(handler.render(state, view));
    case 'DETAIL':
      return JSON.stringify(handler.renderDetail(state, view));
  }
}
