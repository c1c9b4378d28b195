import { describe, expect, it } from 'vitest';
import { unreadBodyPlan } from './unread-body.js';

const base = {
  complete: false,
  declaredBytes: 3_000_000,
  continuePending: false,
  maxDiscardBytes: 16_777_216,
};

describe('unreadBodyPlan', () => {
  it('leaves a body that was read to its end alone', () => {
    expect(unreadBodyPlan({ ...base, complete: true })).toBe('none');
  });

  it('throws away a declared body within the bound, and a chunked one (bounded as it is read)', () => {
    expect(unreadBodyPlan(base)).toBe('discard');
    expect(unreadBodyPlan({ ...base, declaredBytes: 16_777_216 })).toBe('discard');
    expect(unreadBodyPlan({ ...base, declaredBytes: undefined })).toBe('discard');
  });

  it('closes after the answer when the body is larger than the bound, or was never sent (100-continue)', () => {
    expect(unreadBodyPlan({ ...base, declaredBytes: 16_777_217 })).toBe('close');
    expect(unreadBodyPlan({ ...base, continuePending: true })).toBe('close');
  });
});
