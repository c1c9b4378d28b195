import type { Readable, Transform } from 'node:stream';
import { createGunzip, createInflate } from 'node:zlib';
import { InvalidArgumentError } from '@taba/common';
import { HttpError } from './http-errors.js';

/** A compression a body may come in: `Content-Encoding`, or the framing of a path (`/post_zip`). */
export type BodyCoding = 'gzip' | 'deflate';

/** Reason of a compressed body that does not decompress. */
export const INVALID_COMPRESSION = 'INVALID_COMPRESSION';
/** Reason of a Content-Encoding the gateway does not decode (415). */
export const UNSUPPORTED_CONTENT_ENCODING = 'UNSUPPORTED_CONTENT_ENCODING';
/** Reason of a body whose decompressed size passes the body limit. */
export const DECOMPRESSED_TOO_LARGE = 'DECOMPRESSED_TOO_LARGE';

const CODINGS: ReadonlyMap<string, BodyCoding | 'identity'> = new Map([
  ['gzip', 'gzip'],
  ['x-gzip', 'gzip'],
  ['deflate', 'deflate'],
  ['identity', 'identity'],
]);

/**
 * The codings of a `Content-Encoding` header in the order they were applied (RFC 9110: a
 * list, first applied first); `identity` is dropped.
 *
 * @throws HttpError 415 UNSUPPORTED_CONTENT_ENCODING for any other coding
 */
export function contentCodings(header: string | undefined): BodyCoding[] {
  if (header === undefined) return [];
  const codings: BodyCoding[] = [];
  for (const item of header.split(',')) {
    const name = item.trim().toLowerCase();
    if (name === '') continue;
    const coding = CODINGS.get(name);
    if (coding === undefined) {
      throw new HttpError(
        415,
        'INVALID_ARGUMENT',
        UNSUPPORTED_CONTENT_ENCODING,
        `Content-Encoding ${JSON.stringify(item.trim())} is not supported; send gzip, deflate or identity`,
      );
    }
    if (coding !== 'identity') codings.push(coding);
  }
  return codings;
}

/** `deflate` is the zlib format (RFC 9110), as Python's zlib.compress and Taba's agent write it. */
function decoderFor(coding: BodyCoding): Transform {
  return coding === 'gzip' ? createGunzip() : createInflate();
}

export function decompressedTooLarge(limit: number): HttpError {
  return new HttpError(
    413,
    'RESOURCE_EXHAUSTED',
    DECOMPRESSED_TOO_LARGE,
    `the request body decompresses to more than the limit of ${limit} bytes`,
  );
}

/**
 * Decompresses `source` (codings in the order applied; undone last first) as it arrives and
 * collects the result. Bounded: past `limit` decompressed bytes it stops at once, destroys the
 * decoders and rejects with 413 DECOMPRESSED_TOO_LARGE, having held at most `limit` bytes plus
 * one decoder chunk; the compressed bytes are bounded by the caller. A stream that does not
 * decode (corrupt, truncated) rejects with 400 INVALID_COMPRESSION.
 */
export function decompressBody(
  source: Readable,
  codings: readonly BodyCoding[],
  limit: number,
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const decoders = [...codings].reverse().map(decoderFor);
    let stream: Readable = source;
    for (const decoder of decoders) stream = stream.pipe(decoder);
    const chunks: Buffer[] = [];
    let total = 0;
    let settled = false;
    const fail = (error: Error) => {
      if (settled) return;
      settled = true;
      source.unpipe();
      for (const decoder of decoders) decoder.destroy();
      reject(error);
    };
    stream.on('data', (chunk: Buffer) => {
      if (settled) return;
      total += chunk.length;
      if (total > limit) {
        fail(decompressedTooLarge(limit));
        return;
      }
      chunks.push(chunk);
    });
    stream.once('end', () => {
      if (settled) return;
      settled = true;
      resolve(Buffer.concat(chunks, total));
    });
    for (const decoder of decoders) {
      decoder.once('error', (error: Error) =>
        fail(
          new InvalidArgumentError(
            INVALID_COMPRESSION,
            `the request body does not decompress (${codings.join(', ')}): ${error.message}`,
          ),
        ),
      );
    }
    source.once('error', fail);
  });
}
