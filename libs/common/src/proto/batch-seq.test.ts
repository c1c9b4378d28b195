import { describe, expect, it } from 'vitest';
import { readBatchSeq } from './batch-seq.js';
import { loadTabaProtos } from './load.js';

const { EventBatch } = loadTabaProtos().taba.v1;

describe('readBatchSeq', () => {
  it("reads the seq of an encoded batch, wherever it sits among the batch's fields", () => {
    const batch = {
      clientId: 'c1',
      seq: Number.MAX_SAFE_INTEGER,
      sentAt: 1.5,
      tabs: [{ name: 'a', values: [1, 2, 3] }],
      session: 7,
    };
    expect(readBatchSeq(EventBatch.serialize(batch))).toBe(Number.MAX_SAFE_INTEGER);
    expect(readBatchSeq(EventBatch.serialize({ ...batch, seq: 12 }))).toBe(12);
  });

  it('answers 0 for a batch without a seq and for bytes that are no batch', () => {
    expect(readBatchSeq(EventBatch.serialize({ clientId: 'c1', tabs: [] }))).toBe(0);
    expect(readBatchSeq(new Uint8Array(0))).toBe(0);
    expect(readBatchSeq(Uint8Array.from([0x22, 0x7f, 0x01]))).toBe(0);
  });
});
