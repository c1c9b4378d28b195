import { readFileSync } from 'node:fs';
import type { Env } from '../config/env-readers.js';
import { ConfigError, readOptionalString } from '../config/env-readers.js';

const TOKEN_VARIABLE = 'TABA_INTERNAL_TOKEN';
const FILE_VARIABLE = 'TABA_INTERNAL_TOKEN_FILE';

/** Shorter shared secrets are guessable; 16 characters is 96 bits of base64. */
export const MIN_INTERNAL_TOKEN_LENGTH = 16;

/**
 * The cluster's internal tokens: TABA_INTERNAL_TOKEN (comma-separated), or the lines of the
 * file TABA_INTERNAL_TOKEN_FILE (a mounted Secret; blank lines ignored), not both. The first is
 * presented, every one accepted: a rotation adds the new token second, then first, then drops
 * the old one, rolling the pods each time. Unset: internal services take calls from anyone
 * who reaches them (one machine, loopback).
 */
export function readInternalTokens(env: Env): readonly string[] | undefined {
  const inline = readOptionalString(env, TOKEN_VARIABLE);
  const file = readOptionalString(env, FILE_VARIABLE);
  if (inline !== undefined && file !== undefined) {
    throw new ConfigError(FILE_VARIABLE, `set ${TOKEN_VARIABLE} or ${FILE_VARIABLE}, not both`);
  }
  if (file === undefined) {
    return inline === undefined ? undefined : checked(TOKEN_VARIABLE, inline.split(','));
  }
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new ConfigError(FILE_VARIABLE, `cannot read "${file}": ${detail}`);
  }
  return checked(
    FILE_VARIABLE,
    text.split(/\r?\n/).filter(line => line.trim() !== ''),
  );
}

function checked(variable: string, tokens: readonly string[]): readonly string[] {
  const trimmed = tokens.map(token => token.trim());
  if (trimmed.length === 0) throw new ConfigError(variable, 'names no token');
  for (const token of trimmed) {
    if (token.length < MIN_INTERNAL_TOKEN_LENGTH || /[\s,]/.test(token)) {
      throw new ConfigError(
        variable,
        `every internal token must be at least ${MIN_INTERNAL_TOKEN_LENGTH} characters without spaces or commas`,
      );
    }
  }
  return Object.freeze(trimmed);
}
