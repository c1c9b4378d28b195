import { ConfigError } from '@taba/common';
import { describe, expect, it } from 'vitest';
import { loadFuzzSettings } from './fuzz-settings.js';

describe('the fuzz settings', () => {
  it('default to 90 s (100,000 inputs or more on two cores), 1 s per answer, 512 MB per service', () => {
    const settings = loadFuzzSettings({ TABA_FUZZ_SEED: '99' });
    expect(settings).toEqual({
      seed: 99,
      budgetMs: 90_000,
      hangMs: 1000,
      maxRssMb: 512,
      concurrency: undefined,
      only: undefined,
      findingsDir: '.taba/fuzz-findings',
    });
  });

  it('read every variable', () => {
    const settings = loadFuzzSettings({
      TABA_FUZZ_SEED: '4294967295',
      TABA_FUZZ_SECONDS: '5',
      TABA_FUZZ_HANG_MS: '250',
      TABA_FUZZ_MAX_RSS_MB: '300',
      TABA_FUZZ_CONCURRENCY: '2',
      TABA_FUZZ_ONLY: 'rest.events, rest.post',
      TABA_FUZZ_FINDINGS_DIR: '/tmp/f',
    });
    expect(settings).toEqual({
      seed: 4294967295,
      budgetMs: 5000,
      hangMs: 250,
      maxRssMb: 300,
      concurrency: 2,
      only: ['rest.events', 'rest.post'],
      findingsDir: '/tmp/f',
    });
  });

  it('refuse values that do not parse, naming the variable', () => {
    expect(() => loadFuzzSettings({ TABA_FUZZ_SEED: 'abc' })).toThrow(ConfigError);
    expect(() => loadFuzzSettings({ TABA_FUZZ_SECONDS: '0' })).toThrow(/TABA_FUZZ_SECONDS/);
    expect(() => loadFuzzSettings({ TABA_FUZZ_SEED: '4294967296' })).toThrow(/TABA_FUZZ_SEED/);
  });
});
