// The runner against a stand-in entry point (no stack): what it counts as a crash and a hang,
// that each mode gets its own inputs, and that failing inputs are saved to replay.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runEntry } from './entry-runner.js';
import { FindingFiles } from './finding-files.js';
import type { EntryPoint, FuzzInput, InputMode } from './fuzz-input.js';
import { inputFromJson } from './fuzz-input.js';
import type { Answer } from './verdicts.js';

interface StandInInput extends FuzzInput {
  readonly mode: InputMode;
  readonly outcome: 'ok' | 'crash' | 'slow';
}

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/**
 * Every seventh input answers INTERNAL, every eleventh reports a 5 s answer; the rest answer
 * at once (the runner takes a reported latency as it is, so no timing decides the counts).
 */
function standIn(): EntryPoint<StandInInput> & {
  sent: StandInInput[];
  maxInFlight: Map<InputMode, number>;
} {
  const sent: StandInInput[] = [];
  const inFlight = new Map<InputMode, number>();
  const maxInFlight = new Map<InputMode, number>();
  return {
    sent,
    maxInFlight,
    generate: (random, mode) => {
      const roll = random.int(0, 76);
      const outcome = roll % 7 === 0 ? 'crash' : roll % 11 === 0 ? 'slow' : 'ok';
      return { shape: `${mode} ${outcome}`, mode, outcome };
    },
    async send(input): Promise<Answer> {
      sent.push(input);
      inFlight.set(input.mode, (inFlight.get(input.mode) ?? 0) + 1);
      maxInFlight.set(
        input.mode,
        Math.max(maxInFlight.get(input.mode) ?? 0, inFlight.get(input.mode) ?? 0),
      );
      await new Promise(wake => setTimeout(wake, 1));
      inFlight.set(input.mode, (inFlight.get(input.mode) ?? 1) - 1);
      if (input.outcome === 'crash') return { status: 'INTERNAL', verdict: 'crash', latencyMs: 0 };
      return { status: 'OK', verdict: 'ok', latencyMs: input.outcome === 'slow' ? 5000 : 0 };
    },
  };
}

describe('the fuzz runner', () => {
  it('counts crashes and answers past the hang bound, saves them, and sends heavy inputs one at a time', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fuzz-runner-'));
    dirs.push(dir);
    const entry = standIn();
    const limits = {
      seed: 1,
      hangMs: 40,
      concurrency: 8,
      durationMs: 600,
      heavyShare: 0.25,
      broken: () => undefined,
    };
    const counts = await runEntry(
      'stand.in',
      entry,
      limits,
      new FindingFiles(dir, 1),
      () => undefined,
    );

    expect(counts.inputs).toBe(entry.sent.length);
    expect(counts.crashes).toBe(entry.sent.filter(each => each.outcome === 'crash').length);
    expect(counts.hangs).toBe(entry.sent.filter(each => each.outcome === 'slow').length);
    expect(counts.crashes).toBeGreaterThan(0);
    expect(counts.hangs).toBeGreaterThan(0);
    expect(counts.heavyInputs).toBe(entry.sent.filter(each => each.mode === 'heavy').length);
    expect(counts.heavyInputs).toBeGreaterThan(0);
    expect(entry.maxInFlight.get('heavy')).toBe(1);
    expect(entry.maxInFlight.get('shallow')).toBe(8);
    expect(entry.maxInFlight.get('deep')).toBe(4);

    const files = readdirSync(join(dir, 'seed-1'));
    expect(files.length).toBe(Math.min(20, counts.crashes) + Math.min(20, counts.hangs));
    const saved = inputFromJson(readFileSync(join(dir, 'seed-1', files[0] ?? ''), 'utf8')) as {
      entry: string;
      input: StandInInput;
    };
    expect(saved.entry).toBe('stand.in');
    expect(['crash', 'slow']).toContain(saved.input.outcome);
  });

  it('gives input <id> the same content in every run of a seed', async () => {
    const run = async () => {
      const entry = standIn();
      const limits = {
        seed: 9,
        hangMs: 1000,
        concurrency: 1,
        durationMs: 60,
        heavyShare: 0.5,
        broken: () => undefined,
      };
      await runEntry('stand.in', entry, limits, new FindingFiles(tmpdir(), 9), () => undefined);
      return entry.sent.filter(each => each.mode === 'shallow').map(each => each.outcome);
    };
    const [first, second] = [await run(), await run()];
    const common = Math.min(first.length, second.length);
    expect(common).toBeGreaterThan(3);
    expect(second.slice(0, common)).toEqual(first.slice(0, common));
  });

  it('stops at once and blames what was in flight when a service exits', async () => {
    const entry = standIn();
    let broken: string | undefined;
    setTimeout(() => {
      broken = 'ingest exited with code 1';
    }, 30);
    const limits = {
      seed: 2,
      hangMs: 1000,
      concurrency: 4,
      durationMs: 5000,
      heavyShare: 0.25,
      broken: () => broken,
    };
    const started = performance.now();
    const counts = await runEntry(
      'stand.in',
      entry,
      limits,
      new FindingFiles(tmpdir(), 2),
      () => undefined,
    );
    expect(performance.now() - started).toBeLessThan(4000);
    expect(counts.inFlightAtBreak.length).toBeGreaterThan(0);
    expect(counts.crashes).toBeGreaterThanOrEqual(counts.inFlightAtBreak.length);
  });
});
