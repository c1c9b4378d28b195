// The end-to-end benchmark: every batch shape of shapes.ts (or BENCH_SHAPES=deep,wide…), each
// on a fresh stack (2 Redis shards with AOF), driven by load processes: a warm-up, a
// saturated phase of BENCH_SECONDS, a half-load phase of BENCH_HALF_SECONDS, then the counts
// read back. stdout: one JSON line per shape, then a summary line; details go to stderr.
// docs/performance.md describes the method and every field.

import type { ShapeLine } from './shape-result.js';
import { shapeDetails, shapeLine } from './shape-result.js';
import type { BenchSettings } from './shape-runner.js';
import { runShape } from './shape-runner.js';
import type { Shape } from './shapes.js';
import { selectShapes } from './shapes.js';

const WARMUP_MS = 3000;

function seconds(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isFinite(value) || value <= 0) {
    console.error(`${name} must be a positive number of seconds, got ${process.env[name]}`);
    process.exit(2);
  }
  return value * 1000;
}

let shapes: Shape[];
try {
  shapes = selectShapes(process.env.BENCH_SHAPES);
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(2);
}
const settings: BenchSettings = {
  warmupMs: WARMUP_MS,
  saturatedMs: seconds('BENCH_SECONDS', 20),
  halfMs: seconds('BENCH_HALF_SECONDS', 10),
};
// Ctrl-C or a kill: exit, so the stack's children are killed by their 'exit' hooks.
process.once('SIGINT', () => process.exit(130));
process.once('SIGTERM', () => process.exit(143));

const lines: ShapeLine[] = [];
let failed = 0;
for (const shape of shapes) {
  const started = performance.now();
  console.error(`[bench] ${shape.name}: starting a fresh stack`);
  try {
    const measured = await runShape(shape, settings);
    const line = shapeLine(measured);
    lines.push(line);
    for (const detail of shapeDetails(measured)) console.error(`[bench] ${shape.name}: ${detail}`);
    console.log(JSON.stringify(line));
  } catch (error) {
    failed += 1;
    const message = error instanceof Error ? error.message : String(error);
    console.error(
      `[bench] ${shape.name} failed: ${error instanceof Error ? error.stack : message}`,
    );
    console.log(JSON.stringify({ shape: shape.name, error: message }));
  }
  console.error(
    `[bench] ${shape.name}: ${((performance.now() - started) / 1000).toFixed(0)} s wall`,
  );
}
console.log(
  JSON.stringify({
    summary: true,
    shapes: Object.fromEntries(lines.map(line => [line.shape, line.eventsPerSec])),
    allExact: failed === 0 && lines.every(line => line.exact),
    totalFailedAttempts: lines.reduce((total, line) => total + line.failedAttempts, 0),
    failedShapes: failed,
    seconds: settings.saturatedMs / 1000,
    halfSeconds: settings.halfMs / 1000,
  }),
);
process.exit(failed > 0 ? 1 : 0);
