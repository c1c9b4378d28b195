/**
 * Outcomes of matching patterns against the catalogue's names, kept while the names are the
 * same list (the catalogue hands out a new list whenever a name comes or goes). Dashboards send
 * the same patterns again and again; a repeat is answered without a worker, and a pattern that
 * ran out of time (REGEX_TOO_SLOW) is refused again without burning a worker for the limit.
 * Least recently used out first, past `capacity` entries (TABA_QUERY_CACHE_ENTRIES). Pure.
 */
import { isTabaError } from '@taba/common';

export type MatchOutcome = { readonly matched: readonly string[] } | { readonly refused: Error };

/** Outcomes that depend on the patterns and names only: kept. Others (busy, stopping) are not. */
const KEPT_REFUSALS: ReadonlySet<string> = new Set(['REGEX_TOO_SLOW', 'BAD_REGEX']);

export class MatchCache {
  private names: readonly string[] | undefined;
  private readonly entries = new Map<string, MatchOutcome>();
  hits = 0;

  constructor(readonly capacity: number) {}

  private keyOf(patterns: readonly string[]): string {
    return JSON.stringify(patterns);
  }

  /** The kept outcome of these patterns over exactly this list of names. */
  lookup(patterns: readonly string[], names: readonly string[]): MatchOutcome | undefined {
    if (names !== this.names) return undefined;
    const key = this.keyOf(patterns);
    const outcome = this.entries.get(key);
    if (outcome === undefined) return undefined;
    this.hits += 1;
    this.entries.delete(key);
    this.entries.set(key, outcome);
    return outcome;
  }

  /** Keeps an outcome (a refusal only when the patterns and names alone decide it). */
  store(patterns: readonly string[], names: readonly string[], outcome: MatchOutcome): void {
    if (this.capacity <= 0) return;
    if ('refused' in outcome) {
      const { refused } = outcome;
      if (!isTabaError(refused) || !KEPT_REFUSALS.has(refused.reason)) return;
    }
    if (names !== this.names) {
      this.entries.clear();
      this.names = names;
    }
    const key = this.keyOf(patterns);
    this.entries.delete(key);
    this.entries.set(key, outcome);
    for (const oldest of this.entries.keys()) {
      if (this.entries.size <= this.capacity) break;
      this.entries.delete(oldest);
    }
  }

  get size(): number {
    return this.entries.size;
  }
}
