import type { PartResult__Output } from '@taba/common';
import { isTabaError } from '@taba/common';
import { describe, expect, it } from 'vitest';
import { checkSequence, readSeqOutcome } from './seq-contract.js';

const NOW = 1_780_000_000;

function result(overrides: Partial<PartResult__Output>): PartResult__Output {
  return {
    partition: 1,
    duplicate: false,
    events: 1,
    conflicts: [],
    refused: '',
    markSession: 0,
    markSeq: 0,
    refusedTabs: [],
    ...overrides,
  };
}

const batch = { clientId: 'c', seq: 10, session: 5 };

describe('checkSequence', () => {
  it('takes a seq up to 2^53 - 1 and a session up to the skew limit ahead', () => {
    expect(() =>
      checkSequence({ seq: Number.MAX_SAFE_INTEGER, session: (NOW + 300) * 1e6 }, NOW, 300),
    ).not.toThrow();
  });

  it('refuses a larger seq (INVALID_SEQ) and a later session (INVALID_SESSION)', () => {
    const reasonOf = (run: () => void) => {
      try {
        run();
      } catch (error) {
        return isTabaError(error) ? `${error.kind} ${error.reason}` : String(error);
      }
      return 'accepted';
    };
    expect(reasonOf(() => checkSequence({ seq: 2 ** 53, session: 0 }, NOW, 300))).toBe(
      'INVALID_ARGUMENT INVALID_SEQ',
    );
    expect(reasonOf(() => checkSequence({ seq: 1, session: (NOW + 301) * 1e6 }, NOW, 300))).toBe(
      'INVALID_ARGUMENT INVALID_SESSION',
    );
  });
});

describe('readSeqOutcome', () => {
  it('passes applied and duplicate parts, and names no fenced session without an older mark', () => {
    const outcome = readSeqOutcome(
      batch,
      [result({}), result({ partition: 2, duplicate: true, markSession: 5, markSeq: 10 })],
      2,
    );
    expect(outcome).toEqual({ refusedParts: 0, fencedSession: undefined });
  });

  it("reports the newest older session whose mark this batch's session replaced", () => {
    const outcome = readSeqOutcome(
      batch,
      [
        result({ markSession: 0, markSeq: 99 }),
        result({ partition: 2, markSession: 3, markSeq: 4 }),
        result({ partition: 3, markSession: 5, markSeq: 9 }),
      ],
      3,
    );
    expect(outcome.fencedSession).toBe(3);
    expect(outcome.refusal).toBeUndefined();
  });

  it('fails the batch when a part was refused, SESSION_FENCED first, saying what the rest applied', () => {
    const outcome = readSeqOutcome(
      batch,
      [
        result({ refused: 'SEQ_REGRESSION', markSession: 5, markSeq: 11 }),
        result({ partition: 2, refused: 'SESSION_FENCED', markSession: 6, markSeq: 1 }),
        result({ partition: 3 }),
      ],
      4,
    );
    expect(outcome.refusedParts).toBe(2);
    expect(outcome.refusedReason).toBe('SESSION_FENCED');
    expect(outcome.refusal?.kind).toBe('FAILED_PRECONDITION');
    expect(outcome.refusal?.message).toBe(
      'session 5 of client "c" is fenced: a newer session (session 6, seq 1) has taken the client ID over; stop this process or give it its own client ID (refused on 2 of the batch\'s partitions; 4 events of its other partitions were applied)',
    );
  });
});
