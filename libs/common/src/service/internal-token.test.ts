import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../config/env-readers.js';
import { loadServiceBaseConfig } from './base-config.js';
import { readInternalTokens } from './internal-token.js';

describe('readInternalTokens', () => {
  it('is unset by default, and read from the variable or the lines of the file', () => {
    expect(readInternalTokens({})).toBeUndefined();
    expect(readInternalTokens({ TABA_INTERNAL_TOKEN: 'a-long-enough-token' })).toEqual([
      'a-long-enough-token',
    ]);
    expect(
      readInternalTokens({ TABA_INTERNAL_TOKEN: 'the-new-token-0001, the-old-token-0001' }),
    ).toEqual(['the-new-token-0001', 'the-old-token-0001']);
    const dir = mkdtempSync(join(tmpdir(), 'taba-internal-'));
    try {
      const file = join(dir, 'token');
      writeFileSync(file, 'from-the-secret-file\n\nthe-old-token-0001\r\n');
      expect(readInternalTokens({ TABA_INTERNAL_TOKEN_FILE: file })).toEqual([
        'from-the-secret-file',
        'the-old-token-0001',
      ]);
      expect(
        loadServiceBaseConfig({ TABA_INTERNAL_TOKEN_FILE: file }, 'ingest').internalTokens,
      ).toEqual(['from-the-secret-file', 'the-old-token-0001']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses both at once, a missing or empty file and a short token, naming the variable', () => {
    expect(() =>
      readInternalTokens({
        TABA_INTERNAL_TOKEN: 'a-long-enough-token',
        TABA_INTERNAL_TOKEN_FILE: '/x',
      }),
    ).toThrow(
      'TABA_INTERNAL_TOKEN_FILE: set TABA_INTERNAL_TOKEN or TABA_INTERNAL_TOKEN_FILE, not both',
    );
    expect(() => readInternalTokens({ TABA_INTERNAL_TOKEN_FILE: '/nonexistent/token' })).toThrow(
      /^TABA_INTERNAL_TOKEN_FILE: cannot read/,
    );
    const dir = mkdtempSync(join(tmpdir(), 'taba-internal-'));
    try {
      const file = join(dir, 'token');
      writeFileSync(file, '\n\n');
      expect(() => readInternalTokens({ TABA_INTERNAL_TOKEN_FILE: file })).toThrow(
        'TABA_INTERNAL_TOKEN_FILE: names no token',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(() => readInternalTokens({ TABA_INTERNAL_TOKEN: 'short' })).toThrow(ConfigError);
    expect(() => readInternalTokens({ TABA_INTERNAL_TOKEN: 'a-long-enough-token,short' })).toThrow(
      'TABA_INTERNAL_TOKEN: every internal token must be at least 16 characters',
    );
  });
});
