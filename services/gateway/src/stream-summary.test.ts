import { describe, expect, it } from 'vitest';
import { StreamSummary } from './stream-summary.js';

const rejection = (index: number) => ({
  index,
  tab: 0,
  event: index,
  code: 'LATE' as const,
  reason: `late ${index}`,
  batch: 0,
});

describe('StreamSummary', () => {
  it('sums counts exactly and lists rejections with their batch, up to the cap', () => {
    const summary = new StreamSummary(3);
    summary.add({
      applied: 5,
      rejectedCount: 2,
      rejected: [rejection(0), rejection(1)],
      duplicate: false,
      fencedOlderSession: false,
      fencedSession: 0,
    });
    summary.add({
      applied: 0,
      rejectedCount: 0,
      rejected: [],
      duplicate: true,
      fencedOlderSession: false,
      fencedSession: 0,
    });
    summary.add({
      applied: 7,
      rejectedCount: 4,
      rejected: [rejection(2), rejection(3)],
      duplicate: false,
      fencedOlderSession: false,
      fencedSession: 0,
    });

    expect(summary.result()).toEqual({
      batches: 3,
      applied: 12,
      rejectedCount: 6,
      duplicates: 1,
      rejected: [
        { ...rejection(0), batch: 0 },
        { ...rejection(1), batch: 0 },
        { ...rejection(2), batch: 2 },
      ],
    });
  });

  it('answers zeros for no batch, and lists nothing with a cap of 0', () => {
    expect(new StreamSummary(10).result()).toEqual({
      batches: 0,
      applied: 0,
      rejectedCount: 0,
      duplicates: 0,
      rejected: [],
    });
    const none = new StreamSummary(0);
    none.add({
      applied: 1,
      rejectedCount: 1,
      rejected: [rejection(0)],
      duplicate: false,
      fencedOlderSession: false,
      fencedSession: 0,
    });
    expect(none.result()).toMatchObject({ rejectedCount: 1, rejected: [] });
  });
});
