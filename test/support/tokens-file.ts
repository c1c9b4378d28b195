// A tokens file as the gateway reads it (TABA_AUTH_TOKENS_FILE): each token stored only as the
// SHA-256 of its text, in a fresh temporary folder the test removes afterwards.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface TestToken {
  readonly name: string;
  /** The bearer token's text; the file holds only its SHA-256. */
  readonly token: string;
  readonly scopes: readonly string[];
}

/** The hex SHA-256 of a token, as the file stores it. */
export function tokenSha256(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

/** The file's JSON text. */
export function tokensFileText(tokens: readonly TestToken[]): string {
  const entries = tokens.map(({ name, token, scopes }) => ({
    name,
    sha256: tokenSha256(token),
    scopes,
  }));
  return `${JSON.stringify({ tokens: entries }, null, 2)}\n`;
}

/** Writes the file under a new temporary folder named from `prefix`; `remove` deletes it. */
export function writeTokensFile(
  prefix: string,
  tokens: readonly TestToken[],
): { readonly path: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  const path = join(dir, 'tokens.json');
  writeFileSync(path, tokensFileText(tokens));
  return { path, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
