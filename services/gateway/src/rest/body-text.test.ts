import { describe, expect, it } from 'vitest';
import { charsetOf, decodeJsonBody, decodeLegacyBody } from './body-text.js';

const GRUEN_LATIN1 = Buffer.from([0x67, 0x72, 0xfc, 0x6e]);
const GRUEN_UTF8 = Buffer.from('grün', 'utf8');

describe('charsetOf', () => {
  it('reads the charset parameter, any case, quoted or not', () => {
    expect(charsetOf('text/plain; charset=ISO-8859-1')).toBe('iso-8859-1');
    expect(charsetOf('application/json;charset="utf-8"')).toBe('utf-8');
    expect(charsetOf('text/plain')).toBeUndefined();
    expect(charsetOf(undefined)).toBeUndefined();
  });
});

describe('decodeLegacyBody (/post)', () => {
  it('reads a body without charset as UTF-8 when it is, else as ISO-8859-1', () => {
    expect(decodeLegacyBody(GRUEN_UTF8, undefined)).toBe('grün');
    expect(decodeLegacyBody(GRUEN_LATIN1, 'application/x-www-form-urlencoded')).toBe('grün');
  });

  it('honours the charset it is given', () => {
    expect(decodeLegacyBody(GRUEN_LATIN1, 'text/plain; charset=iso-8859-1')).toBe('grün');
    // Bytes that are valid UTF-8 still mean Latin-1 when the client says so.
    expect(decodeLegacyBody(GRUEN_UTF8, 'text/plain; charset=latin1')).toBe('grÃ¼n');
    expect(() => decodeLegacyBody(GRUEN_LATIN1, 'text/plain; charset=utf-8')).toThrowError(
      expect.objectContaining({ reason: 'INVALID_ENCODING', kind: 'INVALID_ARGUMENT' }),
    );
    expect(() => decodeLegacyBody(GRUEN_LATIN1, 'text/plain; charset=koi8-r')).toThrowError(
      expect.objectContaining({ reason: 'UNSUPPORTED_CHARSET', httpStatus: 415 }),
    );
  });
});

describe('decodeJsonBody (/v1/events)', () => {
  it('takes UTF-8 only, never replacing a byte with U+FFFD', () => {
    expect(decodeJsonBody(GRUEN_UTF8, 'application/json')).toBe('grün');
    expect(() => decodeJsonBody(GRUEN_LATIN1, 'application/json')).toThrowError(
      /the body is not valid UTF-8/,
    );
    expect(() => decodeJsonBody(GRUEN_UTF8, 'application/json; charset=iso-8859-1')).toThrowError(
      expect.objectContaining({ reason: 'UNSUPPORTED_CHARSET' }),
    );
  });
});
