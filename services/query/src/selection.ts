/**
 * Request filter → Selection: which Tab names and which clients a request asks for. Pure: the
 * patterns are validated (length, syntax) here; they are matched elsewhere, in a worker with a
 * time limit (see regex-matcher.ts), because a valid pattern can still backtrack for ages.
 */
import { excerpt, InvalidArgumentError } from '@taba/common';

/** What a filter says about one list (names or clients). */
export type Matcher =
  /** The list was empty: everything is selected. */
  | { readonly kind: 'all' }
  /** Exact values, deduplicated and sorted. */
  | { readonly kind: 'exact'; readonly values: readonly string[] }
  /**
   * Patterns (JavaScript RegExp syntax, `u` flag), deduplicated and sorted. A value is selected
   * when any pattern matches anywhere in it: patterns are NOT anchored, write `^`/`$` yourself.
   */
  | { readonly kind: 'regex'; readonly patterns: readonly string[] };

export interface Selection {
  readonly names: Matcher;
  readonly clients: Matcher;
  /** The canonical form of the request: two requests with the same key select the same data. */
  readonly key: string;
}

/** The `taba.v1.TabFilter` fields this module reads (proto3: a missing filter is all defaults). */
export interface FilterInput {
  readonly names?: readonly string[] | null;
  readonly clients?: readonly string[] | null;
  readonly regex?: boolean | null;
}

export interface SelectionLimits {
  /** Longest pattern, characters (TABA_REGEX_MAX_LENGTH). */
  readonly regexMaxLength: number;
  /** Most exact names in a filter (TABA_MAX_FILTER_NAMES). */
  readonly maxFilterNames: number;
  /** Most exact client IDs in a filter (TABA_MAX_FILTER_CLIENTS). */
  readonly maxFilterClients: number;
  /** Most patterns in a filter, names and clients together (TABA_MAX_FILTER_PATTERNS). */
  readonly maxFilterPatterns: number;
  /** Longest exact name or client ID: no stored one is longer (TABA_MAX_NAME_LENGTH, TABA_MAX_CLIENT_ID_LENGTH). */
  readonly maxValueLength: number;
}

/** Refuses a filter list past its limit before a value of it is looked at (so in O(1)). */
function checkListSize(
  count: number,
  field: 'names' | 'clients',
  regex: boolean,
  limits: SelectionLimits,
): void {
  const [limit, variable] = regex
    ? [limits.maxFilterPatterns, 'TABA_MAX_FILTER_PATTERNS']
    : field === 'names'
      ? [limits.maxFilterNames, 'TABA_MAX_FILTER_NAMES']
      : [limits.maxFilterClients, 'TABA_MAX_FILTER_CLIENTS'];
  if (count <= limit) return;
  throw new InvalidArgumentError(
    'FILTER_TOO_LARGE',
    `the filter has ${count} ${regex ? 'patterns' : field === 'names' ? 'names' : 'client IDs'}; the limit is ${limit} (${variable}): use patterns or several queries`,
  );
}

/** The flags every pattern is compiled with: `u` (code points, strict syntax), never `g`/`y`. */
export const REGEX_FLAGS = 'u';

function sortedUnique(values: readonly string[]): string[] {
  return [...new Set(values)].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Checks one pattern: length, then syntax. Throws INVALID_ARGUMENT (BAD_REGEX). */
export function checkPattern(pattern: string, where: string, limits: SelectionLimits): void {
  if (pattern.length > limits.regexMaxLength) {
    throw new InvalidArgumentError(
      'BAD_REGEX',
      `${where} is ${pattern.length} characters long; a pattern may have at most ${limits.regexMaxLength} (TABA_REGEX_MAX_LENGTH)`,
    );
  }
  try {
    // Compiling is linear in the pattern's length; only matching can blow up.
    new RegExp(pattern, REGEX_FLAGS);
  } catch (error) {
    // The engine's message quotes the whole pattern.
    const reason = excerpt(error instanceof Error ? error.message : String(error), 200);
    throw new InvalidArgumentError('BAD_REGEX', `${where} is not a valid pattern: ${reason}`);
  }
}

function parseList(
  list: readonly string[],
  field: 'names' | 'clients',
  regex: boolean,
  limits: SelectionLimits,
): Matcher {
  if (list.length === 0) return { kind: 'all' };
  checkListSize(list.length, field, regex, limits);
  list.forEach((value, i) => {
    if (!regex && value.length > limits.maxValueLength) {
      throw new InvalidArgumentError(
        'BAD_FILTER',
        `filter.${field}[${i}] is ${value.length} characters long; no ${field === 'names' ? 'Tab name' : 'client ID'} is longer than ${limits.maxValueLength}`,
      );
    }
    if (value === '') {
      throw new InvalidArgumentError(
        'BAD_FILTER',
        `filter.${field}[${i}] is empty (leave the list empty to select every ${field === 'names' ? 'Tab' : 'client'})`,
      );
    }
    if (regex)
      checkPattern(value, `filter.${field}[${i}] ${JSON.stringify(excerpt(value))}`, limits);
  });
  return regex
    ? { kind: 'regex', patterns: sortedUnique(list) }
    : { kind: 'exact', values: sortedUnique(list) };
}

function keyOf(matcher: Matcher): unknown[] {
  switch (matcher.kind) {
    case 'all':
      return ['all'];
    case 'exact':
      return ['exact', ...matcher.values];
    case 'regex':
      return ['regex', ...matcher.patterns];
  }
}

/** Validates a request's filter and turns it into a Selection. */
export function parseSelection(
  filter: FilterInput | null | undefined,
  limits: SelectionLimits,
): Selection {
  const regex = filter?.regex === true;
  if (regex) {
    checkListSize(
      (filter?.names?.length ?? 0) + (filter?.clients?.length ?? 0),
      'names',
      true,
      limits,
    );
  }
  const names = parseList(filter?.names ?? [], 'names', regex, limits);
  const clients = parseList(filter?.clients ?? [], 'clients', regex, limits);
  return { names, clients, key: JSON.stringify([keyOf(names), keyOf(clients)]) };
}

/** True when the Selection filters on clients. */
export function filtersClients(selection: Selection): boolean {
  return selection.clients.kind !== 'all';
}

/** A short list for messages: `a, b, c and 4 more`. */
export function listSome(values: readonly string[], max = 5): string {
  const shown = values.slice(0, max).join(', ');
  return values.length > max ? `${shown} and ${values.length - max} more` : shown;
}
