import { sameDigest, tokenSha256 } from '@taba/common';
import type { Grant } from './scopes.js';
import type { TokenEntry } from './tokens-file.js';

/**
 * The tokens of the moment. `grantOf` compares the token's SHA-256 with every entry in
 * constant time and without stopping at a match, so the time taken says nothing about which
 * hash, or how much of one, matched.
 */
export class TokenRegistry {
  private entries: readonly TokenEntry[] = [];

  /** Replaces every token at once (a reload). */
  replace(entries: readonly TokenEntry[]): void {
    this.entries = entries;
  }

  get size(): number {
    return this.entries.length;
  }

  /** The grant of `token`, or undefined when no entry has its hash. */
  grantOf(token: string): Grant | undefined {
    const digest = tokenSha256(token);
    let found: Grant | undefined;
    for (const entry of this.entries) {
      if (sameDigest(digest, entry.sha256) && found === undefined) found = entry.grant;
    }
    return found;
  }
}
