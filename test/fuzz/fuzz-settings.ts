// The fuzz run's settings, from TABA_FUZZ_* variables (docs/security.md, "Fuzzing").
import type { Env } from '@taba/common';
import { readInteger, readOptionalString, readString } from '@taba/common';

export interface FuzzSettings {
  /** The run's seed: input i of an entry point is a function of (seed, entry, i). */
  readonly seed: number;
  /** Wall time spent sending inputs, over every entry point, ms. */
  readonly budgetMs: number;
  /** An answer slower than this is a hang, ms. */
  readonly hangMs: number;
  /** Peak resident memory of any service process past this is a finding, MB. */
  readonly maxRssMb: number;
  /** Cheap inputs in flight at once, for every entry point; each has its own default. */
  readonly concurrency: number | undefined;
  /** Only these entry points (comma-separated names); all when unset. */
  readonly only: readonly string[] | undefined;
  /** Where failing inputs are written. */
  readonly findingsDir: string;
}

export const FUZZ_DEFAULTS = {
  seconds: 90,
  hangMs: 1000,
  maxRssMb: 512,
  findingsDir: '.taba/fuzz-findings',
} as const;

/** A fresh seed when none is given: each run explores new inputs (and prints its seed). */
function freshSeed(): number {
  return Math.floor(Math.random() * 2 ** 31);
}

export function loadFuzzSettings(env: Env): FuzzSettings {
  const only = readOptionalString(env, 'TABA_FUZZ_ONLY');
  return {
    seed: readInteger(env, 'TABA_FUZZ_SEED', freshSeed(), { min: 0, max: 2 ** 32 - 1 }),
    budgetMs:
      1000 * readInteger(env, 'TABA_FUZZ_SECONDS', FUZZ_DEFAULTS.seconds, { min: 1, max: 3600 }),
    hangMs: readInteger(env, 'TABA_FUZZ_HANG_MS', FUZZ_DEFAULTS.hangMs, { min: 10 }),
    maxRssMb: readInteger(env, 'TABA_FUZZ_MAX_RSS_MB', FUZZ_DEFAULTS.maxRssMb, { min: 16 }),
    concurrency:
      readOptionalString(env, 'TABA_FUZZ_CONCURRENCY') === undefined
        ? undefined
        : readInteger(env, 'TABA_FUZZ_CONCURRENCY', 1, { min: 1, max: 1024 }),
    only: only?.split(',').map(name => name.trim()),
    findingsDir: readString(env, 'TABA_FUZZ_FINDINGS_DIR', FUZZ_DEFAULTS.findingsDir),
  };
}
