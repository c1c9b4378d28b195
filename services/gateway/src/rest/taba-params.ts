import { InvalidArgumentError } from '@taba/common';
import type { TabFilter } from '../contract.js';
import { pythonMatchToJs } from './python-regex.js';

/**
 * The parameters of Taba's own API (docs/taba-compatibility.md), read as Taba's server read
 * them: from the query string, or else from a JSON object body; `name` and `client` are comma
 * lists, or, when `re` is present (whatever its value), each one Python pattern applied with
 * `re.match`. Pure.
 */

/** Every parameter Taba's read and delete paths take. */
export type TabaParam = 'name' | 'client' | 're' | 'raw';

/** What `/tabs`, `/projection`, `/supertabs` take. */
export const TABA_READ_PARAMS: readonly TabaParam[] = ['name', 'client', 're', 'raw'];
export const TABA_NAMES_PARAMS: readonly TabaParam[] = ['name', 'client', 're'];
export const TABA_CLIENTS_PARAMS: readonly TabaParam[] = ['client', 're'];
export const TABA_TYPES_PARAMS: readonly TabaParam[] = ['name', 're'];
export const TABA_DELETE_PARAMS: readonly TabaParam[] = ['name'];

function unknownParameters(keys: readonly string[], allowed: readonly TabaParam[]): void {
  const unknown = keys.filter(key => !(allowed as readonly string[]).includes(key));
  if (unknown.length === 0) return;
  const takes = allowed.length === 0 ? 'takes no parameters' : `takes ${allowed.join(', ')}`;
  throw new InvalidArgumentError(
    'UNKNOWN_PARAMETER',
    `Invalid parameters: ${unknown.join(', ')}; this path ${takes}`,
  );
}

/** The parameters of a JSON object body (strings; `re` and `raw` may be any value). */
export function bodyParams(body: unknown, allowed: readonly TabaParam[]): Map<string, string> {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new InvalidArgumentError(
      'INVALID_JSON',
      'a body of parameters must be a JSON object, e.g. {"name": "bid", "re": 1}',
    );
  }
  const entries = Object.entries(body).filter(([, value]) => value !== null);
  unknownParameters(
    entries.map(([key]) => key),
    allowed,
  );
  const params = new Map<string, string>();
  for (const [key, value] of entries) {
    if (key === 'name' || key === 'client') {
      if (typeof value !== 'string') {
        throw new InvalidArgumentError(
          'INVALID_PARAMETER',
          `${key} must be a string (a comma list, or with re one pattern)`,
        );
      }
      params.set(key, value);
    } else params.set(key, String(value));
  }
  return params;
}

/**
 * The query string's parameters (each one's last value, as Taba's bottle read them), refusing
 * any the path does not take (400, as Taba did).
 */
export function queryParams(
  search: URLSearchParams,
  allowed: readonly TabaParam[],
): Map<string, string> {
  const keys = [...new Set(search.keys())];
  unknownParameters(keys, allowed);
  return new Map(keys.map(key => [key, search.getAll(key).at(-1) ?? '']));
}

/**
 * The TabFilter of Taba's parameters: with `re`, `name` and `client` are one Python pattern
 * each, rewritten into the JavaScript pattern that selects the same (anchored at the start);
 * without it, comma lists. `raw` (Taba's pickled States) has no meaning here: 400.
 */
export function tabaFilter(params: ReadonlyMap<string, string>): Required<TabFilter> {
  if (params.has('raw')) {
    throw new InvalidArgumentError(
      'RAW_NOT_SUPPORTED',
      'raw asked for Taba’s pickled States, which this server does not keep; ask for the render (without raw)',
    );
  }
  const regex = params.has('re');
  const read = (key: 'name' | 'client'): string[] => {
    const value = params.get(key) ?? '';
    if (value === '') return [];
    return regex ? [pythonMatchToJs(value)] : value.split(',').filter(item => item !== '');
  };
  return { names: read('name'), clients: read('client'), regex };
}

/** How a Taba path answers: Taba's text (its default), JSON, or the detailed JSON. */
export type TabaFormat = 'text' | 'json' | 'detail';

/**
 * Taba's reading of Accept: missing, empty or `*∕*` is text; `application/json` JSON,
 * `application/json-detailed` the detailed render; anything else text.
 */
export function tabaFormat(accept: string | undefined): TabaFormat {
  const types = (accept ?? '')
    .split(',')
    .map(part => (part.split(';')[0] ?? '').trim().toLowerCase());
  if (types.includes('application/json-detailed')) return 'detail';
  if (types.includes('application/json')) return 'json';
  return 'text';
}
