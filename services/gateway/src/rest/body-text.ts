import { InvalidArgumentError } from '@taba/common';
import { HttpError } from './http-errors.js';

/** Reason of a body whose bytes are not the encoding it says (or must be). */
export const INVALID_ENCODING = 'INVALID_ENCODING';

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });

/** The `charset` parameter of a Content-Type, lower-cased, quotes removed; undefined when none. */
export function charsetOf(contentType: string | undefined): string | undefined {
  if (contentType === undefined) return undefined;
  const match = /;\s*charset\s*=\s*("?)([^";\s]+)\1/i.exec(contentType);
  return match?.[2]?.toLowerCase();
}

/** Labels read byte for byte as ISO-8859-1 (every byte is its own code point). */
const LATIN1_LABELS = new Set(['iso-8859-1', 'iso8859-1', 'latin1', 'l1', 'iso_8859-1']);
const UTF8_LABELS = new Set(['utf-8', 'utf8']);

function unsupportedCharset(charset: string): HttpError {
  return new HttpError(
    415,
    'INVALID_ARGUMENT',
    'UNSUPPORTED_CHARSET',
    `charset=${charset} is not supported; send UTF-8 or ISO-8859-1`,
  );
}

function notUtf8(what: string): InvalidArgumentError {
  return new InvalidArgumentError(
    INVALID_ENCODING,
    `${what} is not valid UTF-8; send UTF-8${what === 'the body' ? ' (or name its charset in Content-Type)' : ''}`,
  );
}

/** UTF-8 or an error: never a silent U+FFFD. */
export function strictUtf8(bytes: Uint8Array, what: string): string {
  try {
    return STRICT_UTF8.decode(bytes);
  } catch {
    throw notUtf8(what);
  }
}

/**
 * The text of a body that may come from TellApart's Java client, which sends ISO-8859-1 without
 * a charset: a `charset` in Content-Type is honoured (UTF-8 strictly, ISO-8859-1 byte for
 * byte, anything else 415); without one, valid UTF-8 is read as UTF-8 and anything else as
 * ISO-8859-1, the only reading under which every byte means something.
 */
export function decodeLegacyBody(bytes: Buffer, contentType: string | undefined): string {
  const charset = charsetOf(contentType);
  if (charset === undefined) {
    try {
      return STRICT_UTF8.decode(bytes);
    } catch {
      return bytes.toString('latin1');
    }
  }
  if (UTF8_LABELS.has(charset)) return strictUtf8(bytes, 'the body');
  if (LATIN1_LABELS.has(charset) || charset === 'us-ascii') return bytes.toString('latin1');
  throw unsupportedCharset(charset);
}

/** A JSON body: UTF-8 (RFC 8259), strictly; a charset other than UTF-8 is 415. */
export function decodeJsonBody(bytes: Buffer, contentType: string | undefined): string {
  const charset = charsetOf(contentType);
  if (charset !== undefined && !UTF8_LABELS.has(charset)) throw unsupportedCharset(charset);
  return strictUtf8(bytes, 'the body');
}
