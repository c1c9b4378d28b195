import { describe, expect, it } from 'vitest';
import {
  answerStatic,
  cacheControlOf,
  contentTypeOf,
  dashboardFileOf,
  staticAssets,
} from './static-assets.js';

const ASSETS = staticAssets(
  new Map([
    ['index.html', Buffer.from('<!doctype html>')],
    ['main-AB12CD34.js', Buffer.from('console.log(1)')],
  ]),
);

describe('dashboardFileOf', () => {
  it('maps / to the page and /dashboard/<file> to a file of the bundle', () => {
    expect(dashboardFileOf('/')).toBe('index.html');
    expect(dashboardFileOf('/dashboard/main-AB12CD34.js')).toBe('main-AB12CD34.js');
  });

  it('leaves every REST path to the routes', () => {
    for (const path of ['/v1/tabs', '/post', '/tabs', '/metrics', '/dashboard', '/index.html']) {
      expect(dashboardFileOf(path)).toBeUndefined();
    }
  });

  it('names no file for a path that could climb out of the bundle or is not a plain name', () => {
    for (const path of [
      '/dashboard/../package.json',
      '/dashboard/..',
      '/dashboard/%2e%2e/secret',
      '/dashboard/%2E%2E',
      '/dashboard/a/b.js',
      '/dashboard/..%2fsrc',
      '/dashboard/a\\..\\b',
      '/dashboard/',
      '/dashboard/.hidden',
      '/dashboard/x%00.js',
      `/dashboard/${'a'.repeat(200)}.js`,
    ]) {
      expect(dashboardFileOf(path), path).toBe('');
    }
  });
});

describe('caching and types', () => {
  it('keeps hashed names for a year and revalidates the page', () => {
    expect(cacheControlOf('main-AB12CD34.js')).toBe('public, max-age=31536000, immutable');
    expect(cacheControlOf('main-AB12CD34.js.map')).toBe('public, max-age=31536000, immutable');
    expect(cacheControlOf('index.html')).toBe('no-cache');
    expect(cacheControlOf('main.js')).toBe('no-cache');
  });

  it('answers each file type with its content type', () => {
    expect(contentTypeOf('index.html')).toBe('text/html; charset=utf-8');
    expect(contentTypeOf('a-AB12CD34.css')).toBe('text/css; charset=utf-8');
    expect(contentTypeOf('a-AB12CD34.js')).toBe('text/javascript; charset=utf-8');
    expect(contentTypeOf('blob')).toBe('application/octet-stream');
  });
});

describe('answerStatic', () => {
  it('sends the bytes with their length, type, caching and ETag', () => {
    const answer = answerStatic(ASSETS, 'GET', 'main-AB12CD34.js', undefined);
    if (answer.kind !== 'file') throw new Error(`expected a file, got ${answer.kind}`);
    expect(answer.reply.status).toBe(200);
    expect(answer.reply.body.toString()).toBe('console.log(1)');
    expect(answer.reply.headers).toMatchObject({
      'content-type': 'text/javascript; charset=utf-8',
      'content-length': '14',
      'cache-control': 'public, max-age=31536000, immutable',
    });
    expect(answer.reply.headers.etag).toMatch(/^"[A-Za-z0-9_-]{22}"$/);
    expect(answer.reply.headers['content-security-policy']).toBeUndefined();
  });

  it('gives the page a content security policy of its own origin only', () => {
    const answer = answerStatic(ASSETS, 'GET', 'index.html', undefined);
    if (answer.kind !== 'file') throw new Error(`expected a file, got ${answer.kind}`);
    expect(answer.reply.headers['content-security-policy']).toContain("default-src 'self'");
  });

  it('answers 304 without a body when If-None-Match holds the ETag', () => {
    const etag = ASSETS.get('index.html')?.etag ?? '';
    for (const header of [etag, `W/${etag}`, `"other", ${etag}`]) {
      const answer = answerStatic(ASSETS, 'GET', 'index.html', header);
      if (answer.kind !== 'file') throw new Error(`expected a file, got ${answer.kind}`);
      expect(answer.reply.status).toBe(304);
      expect(answer.reply.body.length).toBe(0);
    }
    const changed = answerStatic(ASSETS, 'GET', 'index.html', '"stale"');
    expect(changed.kind === 'file' && changed.reply.status).toBe(200);
  });

  it('answers HEAD with the headers and no body', () => {
    const answer = answerStatic(ASSETS, 'HEAD', 'index.html', undefined);
    if (answer.kind !== 'file') throw new Error(`expected a file, got ${answer.kind}`);
    expect(answer.reply.status).toBe(200);
    expect(answer.reply.headers['content-length']).toBe('15');
    expect(answer.reply.body.length).toBe(0);
  });

  it('refuses other methods and files the bundle lacks', () => {
    expect(answerStatic(ASSETS, 'POST', 'index.html', undefined).kind).toBe('method-not-allowed');
    expect(answerStatic(ASSETS, 'DELETE', 'index.html', undefined).kind).toBe('method-not-allowed');
    expect(answerStatic(ASSETS, 'GET', 'main-ZZZZZZZZ.js', undefined)).toEqual({
      kind: 'not-found',
      file: 'main-ZZZZZZZZ.js',
    });
    expect(answerStatic(ASSETS, 'GET', '', undefined).kind).toBe('not-found');
  });
});
