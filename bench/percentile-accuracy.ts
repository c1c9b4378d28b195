// Measures the relative error of every reported percentile on 100,000 values from each
// test distribution, for one State and for 10 client States merged. Prints a table and,
// last, one JSON line with the worst error seen.
import { columnsOf, createHandlerRegistry, ManualClock, PERCENTILES } from '@taba/common';
import {
  DISTRIBUTIONS,
  exactQuantile,
  relativeError,
  sample,
} from '../libs/common/src/test-support/distributions.js';

const NOW = 1_763_805_600;
const COUNT = 100_000;
const registry = createHandlerRegistry({ clock: new ManualClock(NOW + 5) });
const handler = registry.PERCENTILE_GROUP;
let worstOverall = 0;

for (const distribution of Object.keys(DISTRIBUTIONS)) {
  const values = sample(distribution, COUNT, 42);
  const sorted = [...values].sort((a, b) => a - b);
  const merged = handler.create({});
  const started = performance.now();
  for (let client = 0; client < 10; client += 1) {
    const part = values.slice(client * 10_000, (client + 1) * 10_000);
    const columns = columnsOf(part.map(value => ({ timestamp: NOW + 1, value })));
    handler.merge(merged, handler.fold(handler.create({}), columns, { clientId: `c${client}` }));
  }
  const foldMs = performance.now() - started;
  const percentiles = (
    handler.render(merged, 'aggregate')['1m'] as { percentiles: Record<string, number> }
  ).percentiles;
  const errors = PERCENTILES.map(([key, q]) =>
    relativeError(percentiles[key] ?? Number.NaN, exactQuantile(sorted, q)),
  );
  const worst = Math.max(...errors);
  worstOverall = Math.max(worstOverall, worst);
  console.log(
    `${distribution.padEnd(20)} worst ${(worst * 100).toFixed(3)}%  ` +
      PERCENTILES.map(([key], i) => `${key} ${((errors[i] ?? 0) * 100).toFixed(3)}%`).join('  ') +
      `  (fold+merge ${foldMs.toFixed(1)} ms)`,
  );
}
console.log(JSON.stringify({ values: COUNT, clients: 10, worstRelativeError: worstOverall }));
