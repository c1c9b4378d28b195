/**
 * The tokens file (TABA_AUTH_TOKENS_FILE), JSON or YAML (YAML 1.2 reads JSON too):
 *
 * ```yaml
 * tokens:
 *   - name: bidders                # for logs and status; unique
 *     sha256: 5e884898da28…        # hex SHA-256 of the token; the token itself is never stored
 *     scopes: [read, "write:bidder-*"]
 * ```
 *
 * Pure: text in, entries out.
 */
import { parse } from 'yaml';
import { z } from 'zod';
import type { Grant } from './scopes.js';
import { grantOf, SCOPE_GRAMMAR } from './scopes.js';

/** One token as the gateway keeps it. */
export interface TokenEntry {
  readonly sha256: Buffer;
  readonly grant: Grant;
}

const entrySchema = z.strictObject({
  name: z.string().trim().min(1, 'a name is required'),
  sha256: z
    .string()
    .trim()
    .regex(/^[0-9a-fA-F]{64}$/, 'must be 64 hex digits (the SHA-256 of the token)'),
  scopes: z.array(z.string(), `a list of ${SCOPE_GRAMMAR}`).min(1, 'grants nothing'),
});

const fileSchema = z.strictObject({ tokens: z.array(entrySchema) });

/** The file does not parse or breaks a rule; the message says where. */
export class TokensFileError extends Error {
  override readonly name = 'TokensFileError';
}

function where(path: readonly PropertyKey[]): string {
  return path.map(part => (typeof part === 'number' ? `[${part}]` : `.${String(part)}`)).join('');
}

/** Parses and checks a tokens file; throws TokensFileError naming the first problem. */
export function parseTokensFile(text: string): TokenEntry[] {
  let document: unknown;
  try {
    document = parse(text);
  } catch (error) {
    throw new TokensFileError(
      `not JSON or YAML: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const result = fileSchema.safeParse(document);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new TokensFileError(
      issue ? `${where(issue.path).replace(/^\./, '') || 'the file'}: ${issue.message}` : 'invalid',
    );
  }
  const names = new Set<string>();
  const hashes = new Set<string>();
  return result.data.tokens.map((entry, index) => {
    const at = `tokens[${index}]`;
    if (names.has(entry.name)) throw new TokensFileError(`${at}.name: "${entry.name}" twice`);
    const hash = entry.sha256.toLowerCase();
    if (hashes.has(hash)) throw new TokensFileError(`${at}.sha256: the same token twice`);
    names.add(entry.name);
    hashes.add(hash);
    try {
      return { sha256: Buffer.from(hash, 'hex'), grant: grantOf(entry.name, entry.scopes) };
    } catch (error) {
      throw new TokensFileError(`${at}.scopes: ${(error as Error).message}`);
    }
  });
}
