// The dashboard's files as the REST port serves them: which path names which file, with which
// type and caching. Pure: the files are already in memory (dashboard-assets.ts loads them).
import { createHash } from 'node:crypto';
import { extname } from 'node:path';

/** One file of the dashboard, ready to send. */
export interface StaticAsset {
  readonly body: Buffer;
  readonly contentType: string;
  readonly cacheControl: string;
  /** A strong validator of the bytes, quoted. */
  readonly etag: string;
}

/** File name (no directory) → asset. */
export type StaticAssets = ReadonlyMap<string, StaticAsset>;

/** The page itself; every other file hangs under ASSET_PREFIX. */
export const INDEX_FILE = 'index.html';
export const ASSET_PREFIX = '/dashboard/';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
};

/** esbuild's `[name]-[hash]` names: a hash of 8 upper-case letters or digits. */
const HASHED_NAME = /-[A-Z0-9]{8}\.[a-z.]+$/;

/** A file name without directories or dots that could climb: letters, digits, `.`, `-`, `_`. */
const SAFE_FILE_NAME = /^[A-Za-z0-9_-][A-Za-z0-9._-]{0,127}$/;

export function contentTypeOf(fileName: string): string {
  return CONTENT_TYPES[extname(fileName)] ?? 'application/octet-stream';
}

/**
 * A hashed name never changes its bytes, so a browser keeps it for a year without asking;
 * the page (and anything unhashed) is revalidated on every load, so a new build shows at once.
 */
export function cacheControlOf(fileName: string): string {
  return HASHED_NAME.test(fileName) ? 'public, max-age=31536000, immutable' : 'no-cache';
}

export function staticAsset(fileName: string, body: Buffer): StaticAsset {
  const digest = createHash('sha256').update(body).digest('base64url').slice(0, 22);
  return {
    body,
    contentType: contentTypeOf(fileName),
    cacheControl: cacheControlOf(fileName),
    etag: `"${digest}"`,
  };
}

export function staticAssets(files: ReadonlyMap<string, Buffer>): StaticAssets {
  return new Map([...files].map(([name, body]) => [name, staticAsset(name, body)]));
}

/**
 * The file a URL path names: `/` is the page, `/dashboard/<file>` a file of the bundle;
 * undefined for every other path (the REST routes' paths). A name with a slash, a backslash,
 * `..`, an encoded character or anything else than SAFE_FILE_NAME allows names no file, so
 * nothing outside the bundle can be reached (there is no directory to climb out of either).
 */
export function dashboardFileOf(path: string): string | undefined {
  if (path === '/') return INDEX_FILE;
  if (!path.startsWith(ASSET_PREFIX)) return undefined;
  const name = path.slice(ASSET_PREFIX.length);
  return SAFE_FILE_NAME.test(name) && !name.includes('..') ? name : '';
}

/** Whether `path` is the dashboard's (answered here, never by the REST routes). */
export function isDashboardPath(path: string): boolean {
  return dashboardFileOf(path) !== undefined;
}

export interface StaticReply {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  /** Empty for HEAD, 304 and errors answered by the caller. */
  readonly body: Buffer;
}

export type StaticAnswer =
  | { readonly kind: 'file'; readonly reply: StaticReply }
  | { readonly kind: 'method-not-allowed' }
  | { readonly kind: 'not-found'; readonly file: string };

const PAGE_POLICY =
  "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

/** The methods a dashboard path takes. */
export const STATIC_METHODS = ['GET', 'HEAD'] as const;

function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false;
  return ifNoneMatch
    .split(',')
    .map(tag => tag.trim().replace(/^W\//, ''))
    .some(tag => tag === etag || tag === '*');
}

/**
 * The answer to a GET or HEAD of dashboard file `file`: the bytes (200), or 304 when
 * `If-None-Match` holds its ETag; a method other than GET and HEAD is refused.
 */
export function answerStatic(
  assets: StaticAssets,
  method: string,
  file: string,
  ifNoneMatch: string | undefined,
): StaticAnswer {
  if (method !== 'GET' && method !== 'HEAD') return { kind: 'method-not-allowed' };
  const asset = assets.get(file);
  if (asset === undefined) return { kind: 'not-found', file };
  const headers: Record<string, string> = {
    'content-type': asset.contentType,
    'cache-control': asset.cacheControl,
    etag: asset.etag,
    'x-content-type-options': 'nosniff',
  };
  // The page runs only the bundle's own script and style, and talks only to this origin.
  if (file === INDEX_FILE) headers['content-security-policy'] = PAGE_POLICY;
  if (matches(ifNoneMatch, asset.etag)) {
    return { kind: 'file', reply: { status: 304, headers, body: Buffer.alloc(0) } };
  }
  const withLength = { ...headers, 'content-length': String(asset.body.length) };
  const body = method === 'HEAD' ? Buffer.alloc(0) : asset.body;
  return { kind: 'file', reply: { status: 200, headers: withLength, body } };
}
