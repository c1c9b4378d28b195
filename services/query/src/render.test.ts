import {
  columnsOf,
  createHandlerRegistry,
  isTabaError,
  ManualClock,
  renderText,
} from '@taba/common';
import { describe, expect, it } from 'vitest';
import { renderBody, renderModeOf } from './render.js';

const NOW = 1_700_000_000;
const clock = new ManualClock(NOW);
const registry = createHandlerRegistry({ clock });

function counterState() {
  const handler = registry.COUNTER_GROUP;
  const state = handler.create({});
  handler.fold(
    state,
    columnsOf([
      { timestamp: NOW - 5, value: 2 },
      { timestamp: NOW - 1, value: 4 },
    ]),
    { clientId: 'c1' },
  );
  return state;
}

describe('renderModeOf', () => {
  it('reads UNSPECIFIED as JSON and accepts names and numbers', () => {
    expect(renderModeOf('RENDER_MODE_UNSPECIFIED')).toBe('JSON');
    expect(renderModeOf(undefined)).toBe('JSON');
    expect(renderModeOf('TEXT')).toBe('TEXT');
    expect(renderModeOf(3)).toBe('DETAIL');
  });

  it('refuses an unknown mode (BAD_RENDER_MODE)', () => {
    try {
      renderModeOf('YAML');
      expect.unreachable();
    } catch (error) {
      expect(isTabaError(error) && error.reason).toBe('BAD_RENDER_MODE');
    }
  });
});

describe('renderBody', () => {
  const handler = registry.COUNTER_GROUP;

  it('JSON is the render as JSON', () => {
    const body = renderBody(handler, counterState(), 'aggregate', 'JSON');
    expect(JSON.parse(body)).toEqual(handler.render(counterState(), 'aggregate'));
    expect(JSON.parse(body)).toMatchObject({ '1m': { count: 2, total: 6, average: 3 } });
  });

  it('TEXT is renderText of the render', () => {
    const body = renderBody(handler, counterState(), 'aggregate', 'TEXT');
    expect(body).toBe(renderText(handler.render(counterState(), 'aggregate')));
    expect(body).toContain('1m.count=2 1m.total=6 1m.average=3');
  });

  it('DETAIL is the detailed render as JSON, with its series', () => {
    const body = JSON.parse(renderBody(handler, counterState(), 'aggregate', 'DETAIL'));
    expect(body).toEqual(handler.renderDetail(counterState(), 'aggregate'));
    expect(body.series['1m']).toEqual([
      [NOW - 5, 1, 2],
      [NOW - 1, 1, 4],
    ]);
  });

  it('renders at the clock of the moment, not of the State', () => {
    const state = counterState();
    clock.advance(120);
    try {
      expect(JSON.parse(renderBody(handler, state, 'aggregate', 'JSON'))['1m']).toEqual({
        count: 0,
        total: 0,
        average: 0,
      });
    } finally {
      clock.set(NOW);
    }
  });
});
