// Failing inputs, one JSON file each under <dir>/seed-<seed>/, so a finding can be sent again
// (TABA_FUZZ_REPLAY=<file>) and studied after the run.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { FuzzInput } from './fuzz-input.js';
import { inputToJson } from './fuzz-input.js';
import type { Answer } from './verdicts.js';

/** Files kept per entry point and verdict: enough to study, never a flood. */
const FILES_PER_KIND = 20;

export interface Finding {
  readonly seed: number;
  readonly entry: string;
  /** The input's id in its entry point: `<i>` for cheap inputs, `h<i>` for heavy ones. */
  readonly id: string;
  /** The answer's latency, without `ownStallMs`. */
  readonly latencyMs: number;
  /** How long the fuzzer's own event loop stalled while the input was in flight, ms. */
  readonly ownStallMs?: number;
  readonly answer: Answer;
  readonly input: FuzzInput;
}

export class FindingFiles {
  private readonly dir: string;
  private readonly written = new Map<string, number>();
  readonly paths: string[] = [];

  constructor(baseDir: string, seed: number) {
    this.dir = resolve(baseDir, `seed-${seed}`);
  }

  /** Writes the finding (unless enough of its kind are kept); answers the path or undefined. */
  save(finding: Finding): string | undefined {
    const kind = `${finding.entry}/${finding.answer.verdict}`;
    const count = this.written.get(kind) ?? 0;
    if (count >= FILES_PER_KIND) return undefined;
    this.written.set(kind, count + 1);
    mkdirSync(this.dir, { recursive: true });
    const path = join(this.dir, `${finding.entry}-${finding.id}-${finding.answer.verdict}.json`);
    writeFileSync(path, `${inputToJson(finding)}\n`);
    this.paths.push(path);
    return path;
  }
}
