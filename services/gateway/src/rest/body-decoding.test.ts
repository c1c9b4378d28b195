import { Readable } from 'node:stream';
import { deflateSync, gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { contentCodings, decompressBody } from './body-decoding.js';

const source = (...chunks: Buffer[]) => Readable.from(chunks);

describe('contentCodings', () => {
  it('lists the codings in the order applied, without identity', () => {
    expect(contentCodings(undefined)).toEqual([]);
    expect(contentCodings('identity')).toEqual([]);
    expect(contentCodings('deflate, GZIP')).toEqual(['deflate', 'gzip']);
    expect(contentCodings('x-gzip')).toEqual(['gzip']);
  });

  it('refuses any other coding with 415', () => {
    expect(() => contentCodings('gzip, br')).toThrowError(
      expect.objectContaining({ httpStatus: 415, reason: 'UNSUPPORTED_CONTENT_ENCODING' }),
    );
  });
});

describe('decompressBody', () => {
  it('undoes the codings, last applied first', async () => {
    const body = gzipSync(deflateSync('1\n\nc\n\n'));
    const half = body.length >> 1;
    await expect(
      decompressBody(source(body.subarray(0, half), body.subarray(half)), ['deflate', 'gzip'], 100),
    ).resolves.toEqual(Buffer.from('1\n\nc\n\n'));
  });

  it('stops a zip bomb at the limit instead of inflating it', async () => {
    const bomb = deflateSync(Buffer.alloc(32 * 1024 * 1024));
    const refused = decompressBody(source(bomb), ['deflate'], 1024 * 1024);
    await expect(refused).rejects.toThrowError(
      expect.objectContaining({ httpStatus: 413, reason: 'DECOMPRESSED_TOO_LARGE' }),
    );
  });

  it('refuses a body that does not decode, or ends half-way', async () => {
    await expect(decompressBody(source(Buffer.from('nope')), ['gzip'], 100)).rejects.toThrowError(
      expect.objectContaining({ reason: 'INVALID_COMPRESSION' }),
    );
    const cut = deflateSync('a longer body, cut in the middle').subarray(0, 10);
    await expect(decompressBody(source(cut), ['deflate'], 100)).rejects.toThrowError(
      expect.objectContaining({ reason: 'INVALID_COMPRESSION' }),
    );
  });
});
