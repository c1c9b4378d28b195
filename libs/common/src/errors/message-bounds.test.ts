import { describe, expect, it } from 'vitest';
import { boundedStatusDetails, excerpt, MAX_STATUS_DETAILS_BYTES } from './message-bounds.js';

describe('excerpt', () => {
  it('quotes a short input whole and a long one cut, with its length', () => {
    expect(excerpt('abc')).toBe('abc');
    expect(excerpt('y'.repeat(80))).toBe('y'.repeat(80));
    expect(excerpt('y'.repeat(92_303))).toBe(`${'y'.repeat(79)}… (92303 characters)`);
    expect(excerpt('abcdef', 4)).toBe('abc… (6 characters)');
  });
});

describe('boundedStatusDetails', () => {
  it('keeps details that fit, and cuts longer ones to the trailer bound, counting percent-encoding', () => {
    expect(boundedStatusDetails('no Tab named x')).toBe('no Tab named x');
    const ascii = boundedStatusDetails('a'.repeat(100_000));
    expect(ascii.startsWith('a'.repeat(4000))).toBe(true);
    expect(ascii.endsWith('… (cut: 100000 characters in all)')).toBe(true);
    expect(ascii.length).toBeLessThanOrEqual(MAX_STATUS_DETAILS_BYTES);
    // ü is two UTF-8 bytes, six once percent-encoded.
    const wide = boundedStatusDetails('ü'.repeat(10_000), 600);
    expect(wide).toBe(`${'ü'.repeat(89)}… (cut: 10000 characters in all)`);
  });
});
