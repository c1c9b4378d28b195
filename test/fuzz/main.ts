// The fuzz suite (`npm run test:fuzz`): seeded random and mutated inputs against a real stack,
// one entry point after the other, each for its share of TABA_FUZZ_SECONDS. stdout: the seed,
// then one JSON line per entry point, then a summary; details and findings go to stderr. Exits
// 1 on any crash, hang, memory past the bound or failed check. docs/security.md, "Fuzzing".
import { readFileSync } from 'node:fs';
import { ConfigError } from '@taba/common';
import type { EntryCounts } from './entry-runner.js';
import { runEntry, sendTimeoutMs } from './entry-runner.js';
import type { EntrySpec, EntryTarget } from './entry-points.js';
import { ENTRY_POINTS } from './entry-points.js';
import { FindingFiles } from './finding-files.js';
import type { Finding } from './finding-files.js';
import type { FuzzInput } from './fuzz-input.js';
import { inputFromJson } from './fuzz-input.js';
import { loadFuzzSettings } from './fuzz-settings.js';
import type { FuzzSettings } from './fuzz-settings.js';
import { FuzzStack } from './fuzz-stack.js';
import { RssWatch } from './rss-watch.js';

/** The share of each entry point's time spent on heavy inputs, one at a time. */
const HEAVY_SHARE = 0.25;

const log = (line: string) => process.stderr.write(`[fuzz] ${line}\n`);
const print = (value: unknown) => process.stdout.write(`${JSON.stringify(value)}\n`);

interface EntryLine {
  readonly entry: string;
  readonly inputs: number;
  readonly crashes: number;
  readonly hangs: number;
  readonly maxRssMb: number;
}

function details(counts: EntryCounts, peaks: Map<string, number>): string[] {
  const top = (map: Map<string, number>) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, 12)
      .map(([key, n]) => `${key}: ${n}`)
      .join(', ');
  return [
    `${counts.entry} answers: ${top(counts.statuses)}`,
    `${counts.entry} heavy inputs: ${counts.heavyInputs}; own stall ${counts.ownStallMs} ms; slowest: ${counts.slowest.ms} ms (${counts.slowest.shape})`,
    `${counts.entry} peak RSS MB: ${[...peaks].map(([service, mb]) => `${service} ${mb}`).join(', ')}`,
    ...(counts.failingShapes.size > 0
      ? [`${counts.entry} failing shapes: ${top(counts.failingShapes)}`]
      : []),
  ];
}

async function fuzz(settings: FuzzSettings): Promise<boolean> {
  const now = Math.floor(Date.now() / 1000);
  const findings = new FindingFiles(settings.findingsDir, settings.seed);
  const names = ENTRY_POINTS.map(spec => spec.name);
  const unknown = settings.only?.filter(name => !names.includes(name)) ?? [];
  if (unknown.length > 0) {
    throw new ConfigError(
      'TABA_FUZZ_ONLY',
      `no entry point ${unknown.join(', ')}; use ${names.join(', ')}`,
    );
  }
  const selected = ENTRY_POINTS.filter(spec => !settings.only || settings.only.includes(spec.name));
  const totalWeight = selected.reduce((sum, spec) => sum + spec.weight, 0);
  log(`seed ${settings.seed}; replay with TABA_FUZZ_SEED=${settings.seed} npm run test:fuzz`);
  print({
    seed: settings.seed,
    seconds: settings.budgetMs / 1000,
    hangMs: settings.hangMs,
    maxRssMbBound: settings.maxRssMb,
  });
  let stack = await FuzzStack.start(settings.hangMs);
  const lines: EntryLine[] = [];
  let passed = true;
  try {
    for (const spec of selected) {
      if (stack.broken()) {
        log(`a fresh stack after: ${stack.broken()}`);
        await stack.stop().catch(() => undefined);
        stack = await FuzzStack.start(settings.hangMs);
      }
      const line = await runOne(
        spec,
        { stack, now, connections: settings.concurrency ?? spec.concurrency },
        settings,
        findings,
        (settings.budgetMs * spec.weight) / totalWeight,
      );
      lines.push(line);
      print(line);
      passed &&= line.crashes === 0 && line.hangs === 0 && line.maxRssMb <= settings.maxRssMb;
    }
  } finally {
    await stack.stop().catch(() => undefined);
  }
  const sum = (pick: (line: EntryLine) => number) =>
    lines.reduce((total, line) => total + pick(line), 0);
  print({
    seed: settings.seed,
    inputs: sum(line => line.inputs),
    crashes: sum(line => line.crashes),
    hangs: sum(line => line.hangs),
    maxRssMb: Math.max(0, ...lines.map(line => line.maxRssMb)),
    passed,
  });
  if (findings.paths.length > 0) {
    log(
      `failing inputs saved under ${settings.findingsDir}/seed-${settings.seed}/ (TABA_FUZZ_REPLAY=<file> sends one again)`,
    );
  }
  return passed;
}

/** One entry point for `durationMs`, its peak memory, then the stack check; answers its line. */
async function runOne(
  spec: EntrySpec,
  target: EntryTarget,
  settings: FuzzSettings,
  findings: FindingFiles,
  durationMs: number,
): Promise<EntryLine> {
  const { stack } = target;
  const entry = spec.create(target);
  const services = stack.services();
  const rss = new RssWatch(services.map(child => child.pid));
  rss.start();
  const limits = {
    seed: settings.seed,
    hangMs: settings.hangMs,
    concurrency: settings.concurrency ?? spec.concurrency,
    durationMs,
    heavyShare: HEAVY_SHARE,
    broken: () => stack.broken(),
  };
  const counts = await runEntry(spec.name, entry, limits, findings, log);
  entry.close?.();
  const pidPeaks = rss.stop();
  const peaks = new Map(
    services.map(child => [`${child.service}@${child.port}`, pidPeaks.get(child.pid) ?? 0]),
  );
  const maxRssMb = Math.max(...peaks.values());
  const check = await stack.check();
  const checkFailure = check.broken;
  const tabs = checkFailure ? 'unknown' : await stack.tabCount().catch(() => 'unknown');
  log(
    `${spec.name} check: ${checkFailure ? 'failed' : 'passed'} after ${check.passedAfterMs} ms; Tabs stored: ${tabs}`,
  );
  if (checkFailure) {
    counts.crashes += 1;
    log(`${spec.name}: the stack is broken: ${checkFailure}`);
    if (counts.inFlightAtBreak.length > 0)
      log(`${spec.name}: inputs in flight then: #${counts.inFlightAtBreak.join(', #')}`);
  }
  for (const detail of details(counts, peaks)) log(detail);
  if (maxRssMb > settings.maxRssMb)
    log(`${spec.name}: peak RSS ${maxRssMb} MB is past the bound of ${settings.maxRssMb} MB`);
  return {
    entry: spec.name,
    inputs: counts.inputs,
    crashes: counts.crashes,
    hangs: counts.hangs,
    maxRssMb,
  };
}

/** Sends one saved finding again, on a fresh stack, and says how it is answered now. */
async function replay(path: string, settings: FuzzSettings): Promise<boolean> {
  const finding = inputFromJson(readFileSync(path, 'utf8')) as Finding;
  const stack = await FuzzStack.start(settings.hangMs);
  try {
    const spec = ENTRY_POINTS.find(each => each.name === finding.entry);
    if (!spec) throw new Error(`${path}: no entry point ${finding.entry}`);
    const entry = spec.create({ stack, now: Math.floor(Date.now() / 1000), connections: 1 });
    const started = performance.now();
    const answer = await entry.send(finding.input as FuzzInput, sendTimeoutMs(settings.hangMs));
    const latencyMs = Math.round(answer.latencyMs ?? performance.now() - started);
    entry.close?.();
    const { broken } = await stack.check();
    const passed =
      answer.verdict !== 'crash' && latencyMs <= settings.hangMs && broken === undefined;
    print({
      entry: finding.entry,
      id: finding.id,
      shape: finding.input.shape,
      ...answer,
      latencyMs,
      broken,
      passed,
    });
    return passed;
  } finally {
    await stack.stop().catch(() => undefined);
  }
}

// Ctrl-C or a kill: exit, so the stack's children are killed by their 'exit' hooks.
process.once('SIGINT', () => process.exit(130));
process.once('SIGTERM', () => process.exit(143));

try {
  const settings = loadFuzzSettings(process.env);
  const replayPath = process.env.TABA_FUZZ_REPLAY?.trim();
  const passed = replayPath ? await replay(replayPath, settings) : await fuzz(settings);
  process.exit(passed ? 0 : 1);
} catch (error) {
  log(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exit(error instanceof ConfigError ? 2 : 1);
}
