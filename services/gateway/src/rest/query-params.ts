import { InvalidArgumentError } from '@taba/common';
import type { TabFilter } from '../contract.js';

/** Every query parameter the REST bridge knows. */
export type QueryParam = 'name' | 'client' | 're' | 'detail' | 'top';

/** What the read endpoints take: the filter and `detail`. */
export const READ_PARAMS: readonly QueryParam[] = ['name', 'client', 're', 'detail'];
/** What the list endpoints and DELETE take: the filter only. */
export const FILTER_PARAMS: readonly QueryParam[] = ['name', 'client', 're'];
/** What the cardinality report takes. */
export const CARDINALITY_PARAMS: readonly QueryParam[] = ['top'];
/** Endpoints that take no parameter. */
export const NO_PARAMS: readonly QueryParam[] = [];

export interface ParsedQuery {
  readonly filter: Required<TabFilter>;
  readonly detail: boolean;
  /** How many to list (`top`); 0 when not given. */
  readonly top: number;
}

const TRUE_WORDS = new Set(['1', 'true', 'yes', 'on']);
const FALSE_WORDS = new Set(['0', 'false', 'no', 'off']);

function readFlag(search: URLSearchParams, param: QueryParam): boolean {
  const values = search.getAll(param);
  if (values.length === 0) return false;
  if (values.length > 1) {
    throw new InvalidArgumentError('INVALID_PARAMETER', `${param} is given more than once`);
  }
  // `?re` alone (an empty value) means on.
  const value = (values[0] ?? '').toLowerCase();
  if (value === '' || TRUE_WORDS.has(value)) return true;
  if (FALSE_WORDS.has(value)) return false;
  throw new InvalidArgumentError(
    'INVALID_PARAMETER',
    `${param} must be 1 or 0 (true or false), got ${JSON.stringify(values[0])}`,
  );
}

/** A count: digits only, at most once; 0 when absent. */
function readCount(search: URLSearchParams, param: QueryParam): number {
  const values = search.getAll(param);
  if (values.length === 0) return 0;
  const value = values[0] ?? '';
  if (values.length > 1 || !/^\d{1,9}$/.test(value)) {
    throw new InvalidArgumentError(
      'INVALID_PARAMETER',
      `${param} must be given once, as a whole number, got ${JSON.stringify(values.join(','))}`,
    );
  }
  return Number(value);
}

/** Comma lists, repeated parameters, or both; empty items are dropped. */
function readList(search: URLSearchParams, param: QueryParam): string[] {
  return search
    .getAll(param)
    .flatMap(value => value.split(','))
    .filter(item => item !== '');
}

/**
 * Reads the query string of a REST call into a TabFilter (and `detail`). `name` and `client`
 * are comma lists and may also repeat (`name=a,b` = `name=a&name=b`); with `re=1` every item is
 * one regular expression, so a pattern cannot contain a comma (use `|` or a repeated parameter
 * for alternatives, and `{1}` quantifiers without a comma). Empty lists select everything.
 *
 * @throws InvalidArgumentError UNKNOWN_PARAMETER for a parameter the endpoint does not take,
 *   INVALID_PARAMETER for a malformed flag
 */
export function parseQuery(search: URLSearchParams, allowed: readonly QueryParam[]): ParsedQuery {
  for (const key of new Set(search.keys())) {
    if (!(allowed as readonly string[]).includes(key)) {
      const takes = allowed.length === 0 ? 'takes no parameters' : `takes ${allowed.join(', ')}`;
      throw new InvalidArgumentError(
        'UNKNOWN_PARAMETER',
        `unknown query parameter ${JSON.stringify(key)}; this endpoint ${takes}`,
      );
    }
  }
  return {
    filter: {
      names: readList(search, 'name'),
      clients: readList(search, 'client'),
      regex: readFlag(search, 're'),
    },
    detail: readFlag(search, 'detail'),
    top: readCount(search, 'top'),
  };
}

/** How a read answers: JSON, or the text render. */
export type ResponseFormat = 'json' | 'text';

/**
 * The format the Accept header prefers: text for `text/plain` (or `text/*`), JSON for
 * `application/json`, `application/*`, `*∕*` or no header. Ranges are taken by quality, then
 * in the order given; `q=0` excludes.
 */
export function preferredFormat(accept: string | undefined): ResponseFormat {
  if (!accept) return 'json';
  const ranges = accept
    .split(',')
    .map((part, order) => {
      const [type = '', ...params] = part.split(';').map(piece => piece.trim().toLowerCase());
      const q = params.find(param => param.startsWith('q='));
      const quality = q === undefined ? 1 : Number(q.slice(2));
      return { type, quality: Number.isFinite(quality) ? quality : 0, order };
    })
    .filter(range => range.quality > 0)
    .sort((a, b) => b.quality - a.quality || a.order - b.order);
  for (const { type } of ranges) {
    if (type === 'text/plain' || type === 'text/*') return 'text';
    if (type === 'application/json' || type === 'application/*' || type === '*/*') return 'json';
  }
  return 'json';
}

/** The render a read asks for; the DETAIL render has no text form. */
export function renderModeOf(format: ResponseFormat, detail: boolean): 'JSON' | 'TEXT' | 'DETAIL' {
  if (format === 'text') {
    if (detail) {
      throw new InvalidArgumentError(
        'INVALID_PARAMETER',
        'detail=1 has no text/plain form; ask for application/json',
      );
    }
    return 'TEXT';
  }
  return detail ? 'DETAIL' : 'JSON';
}
