import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../config/env-readers.js';
import { loadServiceBaseConfig } from './base-config.js';
import { readInternalToken } from './internal-token.js';

describe('readInternalToken', () => {
  it('is unset by default, and read from the variable or the first line of the file', () => {
    expect(readInternalToken({})).toBeUndefined();
    expect(readInternalToken({ TABA_INTERNAL_TOKEN: 'a-long-enough-token' })).toBe(
      'a-long-enough-token',
    );
    const dir = mkdtempSync(join(tmpdir(), 'taba-internal-'));
    try {
      const file = join(dir, 'token');
      writeFileSync(file, 'from-the-secret-file\n');
      expect(readInternalToken({ TABA_INTERNAL_TOKEN_FILE: file })).toBe('from-the-secret-file');
      expect(
        loadServiceBaseConfig({ TABA_INTERNAL_TOKEN_FILE: file }, 'ingest').internalToken,
      ).toBe('from-the-secret-file');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('refuses both at once, a missing file and a short token, naming the variable', () => {
    expect(() =>
      readInternalToken({
        TABA_INTERNAL_TOKEN: 'a-long-enough-token',
        TABA_INTERNAL_TOKEN_FILE: '/x',
      }),
    ).toThrow(
      'TABA_INTERNAL_TOKEN_FILE: set TABA_INTERNAL_TOKEN or TABA_INTERNAL_TOKEN_FILE, not both',
    );
    expect(() => readInternalToken({ TABA_INTERNAL_TOKEN_FILE: '/nonexistent/token' })).toThrow(
      /^TABA_INTERNAL_TOKEN_FILE: cannot read/,
    );
    expect(() => readInternalToken({ TABA_INTERNAL_TOKEN: 'short' })).toThrow(ConfigError);
    expect(() => readInternalToken({ TABA_INTERNAL_TOKEN: 'short' })).toThrow(
      'TABA_INTERNAL_TOKEN: the internal token must be at least 16 characters',
    );
  });
});
