// Ingest's CPU per Tab column and per event, step by step and without gRPC: decodeEventBatch,
// the type cache's lookup (every Tab cached), foldBatch (as bench-fold.ts runs it, and with the
// stored types known, as ingest folds once the cache holds them), and the Commit request's
// encoding of the parts ingest builds: proto-loader's requestSerialize (commitEncode) and the
// encoder ingest sends them with, same bytes (commitEncodeIngest). `ingest` chains decode, fold,
// parts and that encoding. Shapes: wide (1,000 Tabs × 2 events), client-default (1,000 × 10) and
// deep (10 × 2,000), per-event timestamps over the last second, log-normal values, seeded PRNG.
//
// One JSON line per shape: per step, over RUNS runs (min/median/max and every run), the process
// CPU time (all threads, so GC helpers count) as µs per column, ns per event and µs per batch;
// the wall time per batch; and the share of wall time spent in GC (perf_hooks 'gc' entries). The
// last line fits CPU median = column cost · columns + event cost · events from the two
// 1,000-Tab shapes. Every step runs in a fresh process (node --cpu-prof gives one profile each).
// BENCH_SHAPES=wide,deep and BENCH_STEPS=fold,ingest pick shapes and steps; BENCH_RUNS and
// BENCH_RUN_MS set the runs.
import { execFileSync } from 'node:child_process';
import type { PerformanceEntry } from 'node:perf_hooks';
import { PerformanceObserver, performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { DecodedBatch, EventBatch, RedisShards } from '@taba/common';
import {
  createHandlerRegistry,
  DEFAULT_EVENT_LIMITS,
  decodeEventBatch,
  loadTabaProtos,
  systemClock,
  typeSpec,
} from '@taba/common';
import type { FoldingOptions } from '../services/ingest/src/batch-folding.js';
import { foldBatch } from '../services/ingest/src/batch-folding.js';
import { encodeCommitRequest } from '../services/ingest/src/commit-encoding.js';
import { commitParts } from '../services/ingest/src/ingest-pipeline.js';
import { TypeCache } from '../services/ingest/src/type-cache.js';
import { benchTabType } from './bench-batches.js';

interface Shape {
  readonly name: string;
  readonly tabs: number;
  readonly eventsPerTab: number;
}

const SHAPES: readonly Shape[] = [
  { name: 'wide', tabs: 1000, eventsPerTab: 2 },
  { name: 'client-default', tabs: 1000, eventsPerTab: 10 },
  { name: 'deep', tabs: 10, eventsPerTab: 2000 },
];
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const RUN_MS = Number(process.env.BENCH_RUN_MS ?? 400);
/** Batches per shape, from different clients, taken in turn. */
const BATCHES = 8;
const PARTITIONS = 1024;

/** mulberry32: a small seeded PRNG, so every run sees the same batches. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
}

/** Log-normal latencies in ms (median 20, σ 1), rounded to 10 µs as clients record them. */
function logNormal(random: () => number): number {
  const u = 1 - random();
  const normal = Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
  return Math.round(Math.exp(Math.log(20) + normal) * 100) / 100;
}

/** Tab ids of a shape: the wide ones cycle through benchTabType's mix; 10 Tabs keep it too. */
function tabIds(shape: Shape): number[] {
  if (shape.tabs >= 100) return Array.from({ length: shape.tabs }, (_, t) => t);
  return [0, 1, 2, 3, 4, 5, 6, 90, 95, 98].slice(0, shape.tabs);
}

function column(tab: number, events: number, now: number, random: () => number) {
  const type = benchTabType(tab);
  const numeric = type === 'COUNTER_GROUP' || type === 'PERCENTILE_GROUP';
  // Recorded over the last second, in order.
  const timestamps = Array.from({ length: events }, () => now - random()).sort((a, b) => a - b);
  const strings =
    type === 'UNIQUE'
      ? Array.from({ length: events }, () => `user-${Math.floor(random() * 100_000)}`)
      : Array.from({ length: events }, () => `state-${Math.floor(random() * 5)}`);
  return {
    name: `bench.tab.${tab}`,
    type,
    timestamps,
    values: numeric ? Array.from({ length: events }, () => logNormal(random)) : [],
    strings: numeric ? [] : strings,
  };
}

function batchOf(shape: Shape, client: number): EventBatch {
  const random = prng(0x7ab4 + client * 7919 + shape.tabs * 31 + shape.eventsPerTab);
  const now = Date.now() / 1000;
  return {
    clientId: `bench-client-${client}`,
    seq: 100 + client,
    tabs: tabIds(shape).map(tab => column(tab, shape.eventsPerTab, now, random)),
  };
}

const registry = createHandlerRegistry({ clock: systemClock });

/** bench-fold.ts's options; `known` answers the stored types as a warm type cache does. */
function foldOptions(known?: ReadonlyMap<string, string>): FoldingOptions {
  return {
    registry,
    limits: DEFAULT_EVENT_LIMITS,
    partitionCount: PARTITIONS,
    now: Date.now() / 1000,
    storedSpec: known ? name => known.get(name) : () => undefined,
    bufferCapacity: 1000,
    uniqPrefix: '1',
  };
}

// Every lookup below hits the cache, so it never reaches Redis.
const noShards = undefined as unknown as RedisShards;

interface Step {
  readonly name: string;
  readonly run: (i: number) => unknown;
}

const STEPS = [
  'decode',
  'typeCache',
  'fold',
  'foldKnown',
  'commitEncode',
  'commitEncodeIngest',
  'ingest',
] as const;
type StepName = (typeof STEPS)[number];

/** One step over a shape's batches; it prepares only what it reads. */
function makeStep(shape: Shape, name: StepName): Step {
  const codec = loadTabaProtos().taba.v1.Taba.service.PostEvents;
  const commit = loadTabaProtos().taba.internal.v1.Aggregator.service.Commit;
  const bytes = Array.from({ length: BATCHES }, (_, c) =>
    codec.requestSerialize(batchOf(shape, c)),
  );
  const decoded = (): DecodedBatch[] => bytes.map(b => decodeEventBatch(b));
  // What the type cache knows once warm: every Tab's spec.
  const known = new Map<string, string>();
  for (const tab of decodeEventBatch(bytes[0] ?? new Uint8Array()).tabs)
    known.set(tab.name, typeSpec(tab.type ?? '', []));
  const partsOf = (batch: DecodedBatch) => commitParts(foldBatch(batch, foldOptions(known)), batch);
  const at = <T>(list: readonly T[], i: number): T => list[i % list.length] as T;
  switch (name) {
    case 'decode':
      return { name, run: i => decodeEventBatch(at(bytes, i)) };
    case 'typeCache': {
      const names = decoded().map(batch => batch.tabs.map(tab => tab.name));
      const cache = new TypeCache(noShards, PARTITIONS, 3_600_000);
      for (const [tab, spec] of known) cache.remember(tab, spec);
      return { name, run: i => cache.lookup(at(names, i)) };
    }
    case 'fold': {
      const batches = decoded();
      return { name, run: i => foldBatch(at(batches, i), foldOptions()) };
    }
    case 'foldKnown': {
      const batches = decoded();
      return { name, run: i => foldBatch(at(batches, i), foldOptions(known)) };
    }
    case 'commitEncode': {
      const parts = decoded().map(partsOf);
      return { name, run: i => commit.requestSerialize({ parts: at(parts, i) }) };
    }
    case 'commitEncodeIngest': {
      const parts = decoded().map(partsOf);
      return { name, run: i => encodeCommitRequest({ parts: at(parts, i) }) };
    }
    case 'ingest':
      return {
        name,
        run: i => encodeCommitRequest({ parts: partsOf(decodeEventBatch(at(bytes, i))) }),
      };
  }
}

const gcEntries: PerformanceEntry[] = [];
const observer = new PerformanceObserver(list => gcEntries.push(...list.getEntries()));
observer.observe({ entryTypes: ['gc'] });
// Observers hear of GCs on a later turn of the event loop: a timer, not setImmediate.
const settle = () => new Promise(resolve => setTimeout(resolve, 1));

/** GC time (ms) that started within [from, to): entries arrive after the fact, so settle first. */
async function gcBetween(from: number, to: number): Promise<number> {
  await settle();
  let total = 0;
  for (const entry of gcEntries) {
    if (entry.startTime >= from && entry.startTime < to) total += entry.duration;
  }
  gcEntries.length = 0;
  return total;
}

interface Run {
  readonly cpuMicrosPerBatch: number;
  readonly wallMicrosPerBatch: number;
  readonly gcShare: number;
}

/** Runs a step for `runMs` (at least 3 batches) and times it; awaits async steps one by one. */
async function timeRun(step: Step, runMs: number): Promise<Run> {
  await gcBetween(0, 0);
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  let batches = 0;
  let elapsed = 0;
  while (elapsed < runMs || batches < 3) {
    const result = step.run(batches);
    if (result instanceof Promise) await result;
    batches += 1;
    elapsed = performance.now() - started;
  }
  const cpu = process.cpuUsage(cpuStarted);
  const gc = await gcBetween(started, started + elapsed);
  return {
    cpuMicrosPerBatch: (cpu.user + cpu.system) / batches,
    wallMicrosPerBatch: (elapsed * 1000) / batches,
    gcShare: gc / elapsed,
  };
}

function spread(values: readonly number[], digits: number) {
  const sorted = [...values].sort((a, b) => a - b);
  const round = (n: number) => Number(n.toFixed(digits));
  return {
    min: round(sorted[0] ?? 0),
    median: round(sorted[Math.floor(sorted.length / 2)] ?? 0),
    max: round(sorted[sorted.length - 1] ?? 0),
  };
}

/** Times one step in this process: warm-up, then RUNS runs; the figures of its JSON line. */
async function measureStep(shape: Shape, name: StepName): Promise<Record<string, unknown>> {
  const step = makeStep(shape, name);
  const events = shape.tabs * shape.eventsPerTab;
  await timeRun(step, RUN_MS * 2); // warm-up: JIT and caches
  const runs: Run[] = [];
  for (let r = 0; r < RUNS; r += 1) runs.push(await timeRun(step, RUN_MS));
  const micros = runs.map(run => run.cpuMicrosPerBatch);
  return {
    usPerColumn: spread(
      micros.map(m => m / shape.tabs),
      3,
    ),
    nsPerEvent: spread(
      micros.map(m => (m * 1000) / events),
      1,
    ),
    usPerBatch: spread(micros, 0),
    runsUsPerBatch: micros.map(m => Math.round(m)),
    wallUsPerBatch: spread(
      runs.map(run => run.wallMicrosPerBatch),
      0,
    ),
    gcShare: spread(
      runs.map(run => run.gcShare),
      3,
    ),
  };
}

/**
 * Each step runs in a process of its own: in one process the steps before would leave their
 * heap and V8's allocation-site feedback (pretenuring) to the steps after.
 */
function measureInChild(shape: Shape, name: StepName): Record<string, unknown> {
  const output = execFileSync(
    process.execPath,
    [...process.execArgv, fileURLToPath(import.meta.url)],
    {
      env: { ...process.env, BENCH_CHILD: `${shape.name}:${name}` },
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  return JSON.parse(output.trim().split('\n').pop() ?? '{}') as Record<string, unknown>;
}

const child = process.env.BENCH_CHILD?.split(':');
if (child) {
  const shape = SHAPES.find(s => s.name === child[0]);
  const name = STEPS.find(s => s === child[1]);
  if (!shape || !name) throw new Error(`unknown BENCH_CHILD ${process.env.BENCH_CHILD}`);
  console.log(JSON.stringify(await measureStep(shape, name)));
} else {
  const pickedShapes = process.env.BENCH_SHAPES?.split(',');
  const pickedSteps = process.env.BENCH_STEPS?.split(',');
  const medians = new Map<string, Record<string, number>>();
  for (const shape of SHAPES) {
    if (pickedShapes && !pickedShapes.includes(shape.name)) continue;
    const figures: Record<string, unknown> = {};
    const shapeMedians: Record<string, number> = {};
    for (const name of STEPS) {
      if (pickedSteps && !pickedSteps.includes(name)) continue;
      const step = measureInChild(shape, name);
      figures[name] = step;
      shapeMedians[name] = (step.usPerBatch as { median: number }).median;
    }
    medians.set(shape.name, shapeMedians);
    const { name, tabs, eventsPerTab } = shape;
    console.log(JSON.stringify({ shape: name, tabs, eventsPerTab, ...figures }));
  }
  printFit(medians.get('wide'), medians.get('client-default'));
}
observer.disconnect();

/** Both 1,000-Tab shapes: their difference is 8,000 events' worth of per-event work. */
function printFit(wide?: Record<string, number>, clientDefault?: Record<string, number>): void {
  if (!wide || !clientDefault) return;
  const fit: Record<string, { usPerColumn: number; nsPerEvent: number }> = {};
  for (const step of Object.keys(wide)) {
    const perEvent = ((clientDefault[step] ?? 0) - (wide[step] ?? 0)) / 8000;
    const perColumn = ((wide[step] ?? 0) - perEvent * 2000) / 1000;
    fit[step] = {
      usPerColumn: Number(perColumn.toFixed(3)),
      nsPerEvent: Number((perEvent * 1000).toFixed(1)),
    };
  }
  console.log(JSON.stringify({ fit }));
}
