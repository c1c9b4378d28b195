// Hand-written SVG charts: a line chart over time and a bar chart. A few hundred points at
// most per plot (a window's buckets), so plain SVG is fast enough and costs no dependency.
import { formatNumber, formatTime } from './dom.js';
import type { LineSeries, Plot } from './render-view.js';

const SVG = 'http://www.w3.org/2000/svg';
const WIDTH = 560;
const HEIGHT = 180;
const MARGIN = { left: 56, right: 12, top: 12, bottom: 28 };
const COLOURS = ['#2563eb', '#dc2626', '#16a34a', '#9333ea'];

function svg<K extends keyof SVGElementTagNameMap>(
  tag: K,
  attrs: Readonly<Record<string, string | number>>,
  text?: string,
): SVGElementTagNameMap[K] {
  const element = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) element.setAttribute(name, String(value));
  if (text !== undefined) element.textContent = text;
  return element;
}

function scale(domain: readonly [number, number], range: readonly [number, number]) {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const span = d1 - d0 || 1;
  return (value: number) => r0 + ((value - d0) / span) * (r1 - r0);
}

function frame(title: string, points: number): SVGSVGElement {
  const root = svg('svg', {
    viewBox: `0 0 ${WIDTH} ${HEIGHT}`,
    class: 'chart',
    role: 'img',
    'aria-label': title,
    'data-points': points,
  });
  return root;
}

function yAxis(root: SVGSVGElement, min: number, max: number, y: (value: number) => number) {
  for (const value of [min, (min + max) / 2, max]) {
    root.append(
      svg('line', {
        x1: MARGIN.left,
        x2: WIDTH - MARGIN.right,
        y1: y(value),
        y2: y(value),
        class: 'grid',
      }),
      svg(
        'text',
        { x: MARGIN.left - 6, y: y(value) + 4, 'text-anchor': 'end' },
        formatNumber(value),
      ),
    );
  }
}

function lineChart(
  title: string,
  series: readonly LineSeries[],
  spanSeconds: number,
): SVGSVGElement {
  const all = series.flatMap(line => line.points);
  const root = frame(title, all.length);
  if (all.length === 0) {
    root.append(
      svg(
        'text',
        { x: WIDTH / 2, y: HEIGHT / 2, 'text-anchor': 'middle' },
        'no events in this window',
      ),
    );
    return root;
  }
  const xs = all.map(point => point[0]);
  const ys = all.map(point => point[1]);
  // The whole window, ending now (or at the newest bucket, should a clock run ahead).
  const xMax = Math.max(...xs, Date.now() / 1000);
  const xMin = Math.min(...xs, xMax - spanSeconds);
  const yMax = Math.max(...ys, 0);
  const yMin = Math.min(...ys, 0);
  const x = scale([xMin, xMax], [MARGIN.left, WIDTH - MARGIN.right]);
  const y = scale([yMin, yMax], [HEIGHT - MARGIN.bottom, MARGIN.top]);
  yAxis(root, yMin, yMax, y);
  for (const [value, anchor] of [
    [xMin, 'start'],
    [xMax, 'end'],
  ] as const) {
    root.append(
      svg('text', { x: x(value), y: HEIGHT - 8, 'text-anchor': anchor }, formatTime(value)),
    );
  }
  series.forEach((line, i) => {
    const colour = COLOURS[i % COLOURS.length] ?? '#000';
    const d = line.points.map(
      ([px, py], j) => `${j === 0 ? 'M' : 'L'}${x(px).toFixed(1)},${y(py).toFixed(1)}`,
    );
    if (line.points.length > 0) {
      root.append(
        svg('path', {
          d: d.join(' '),
          stroke: colour,
          fill: 'none',
          'stroke-width': 2,
          class: 'line',
        }),
      );
    }
    for (const [px, py] of line.points) {
      root.append(svg('circle', { cx: x(px), cy: y(py), r: 2.5, fill: colour }));
    }
    if (series.length > 1) {
      root.append(
        svg('text', { x: MARGIN.left + 8 + i * 70, y: MARGIN.top + 10, fill: colour }, line.label),
      );
    }
  });
  return root;
}

function barChart(
  title: string,
  labels: readonly string[],
  values: readonly number[],
): SVGSVGElement {
  const root = frame(title, values.length);
  const yMax = Math.max(...values, 1);
  const y = scale([0, yMax], [HEIGHT - MARGIN.bottom, MARGIN.top]);
  yAxis(root, 0, yMax, y);
  const slot = (WIDTH - MARGIN.left - MARGIN.right) / Math.max(values.length, 1);
  values.forEach((value, i) => {
    const left = MARGIN.left + i * slot + slot * 0.15;
    root.append(
      svg('rect', {
        x: left,
        y: y(value),
        width: slot * 0.7,
        height: y(0) - y(value),
        class: 'bar',
      }),
      svg(
        'text',
        { x: left + slot * 0.35, y: HEIGHT - 8, 'text-anchor': 'middle' },
        labels[i] ?? '',
      ),
    );
  });
  return root;
}

/** The chart of one plot, in a figure with its title. */
export function plotElement(plot: Plot): HTMLElement {
  const figure = document.createElement('figure');
  figure.className = 'plot';
  const caption = document.createElement('figcaption');
  caption.textContent = plot.title;
  figure.append(
    caption,
    plot.kind === 'lines'
      ? lineChart(plot.title, plot.series, plot.spanSeconds)
      : barChart(plot.title, plot.labels, plot.values),
  );
  return figure;
}
