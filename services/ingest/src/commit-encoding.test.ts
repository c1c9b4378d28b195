import type { CommitRequest, PartitionPart, TabDelta } from '@taba/common';
import { loadTabaProtos, TAB_TYPES } from '@taba/common';
import { describe, expect, it } from 'vitest';
import { encodeCommitRequest } from './commit-encoding.js';

const generic = loadTabaProtos().taba.internal.v1.Aggregator.service.Commit;

function tab(i: number, overrides: Partial<TabDelta> = {}): TabDelta {
  return {
    name: `tab.${i}`,
    type: TAB_TYPES[i % TAB_TYPES.length],
    delta: Buffer.from(Array.from({ length: (i * 37) % 300 }, (_, b) => (b * i) & 0xff)),
    events: i * 1000,
    bounds: i % 5 === 0 ? [0.5, 1, 2.5 * i] : [],
    ...overrides,
  };
}

function part(p: number, overrides: Partial<PartitionPart> = {}): PartitionPart {
  return {
    partition: p * 97,
    clientId: `client-${p}`,
    seq: p * 2 ** 40 + 3,
    tabs: Array.from({ length: 1 + (p % 4) }, (_, t) => tab(p * 4 + t)),
    ...overrides,
  };
}

function expectSameBytes(request: CommitRequest): void {
  expect(encodeCommitRequest(request).equals(generic.requestSerialize(request))).toBe(true);
}

describe('encodeCommitRequest', () => {
  it("writes the generic serializer's bytes for the parts ingest builds", () => {
    expectSameBytes({ parts: Array.from({ length: 40 }, (_, p) => part(p)) });
    expectSameBytes({ parts: [part(0, { partition: 0, seq: 0, tabs: [] })] });
    expectSameBytes({
      parts: [part(1, { tabs: [tab(1, { delta: Buffer.alloc(0), events: 0 })] })],
    });
    expectSameBytes({ parts: [part(2, { partition: 0xffff_ffff, seq: Number.MAX_SAFE_INTEGER })] });
    expectSameBytes({ parts: [part(3, { tabs: [tab(3, { type: 'TAB_TYPE_UNSPECIFIED' })] })] });
    expectSameBytes({
      parts: [part(4, { session: 1_780_000_000_123_456 }), part(5, { session: 0 })],
    });
    expectSameBytes({ parts: [] });
  });

  it('leaves what ingest never sends to the generic serializer, with the same result', () => {
    expectSameBytes({ parts: [part(4, { clientId: 'clïent' })] });
    expectSameBytes({ parts: [part(5, { tabs: [tab(5, { name: 'tab.\u{1F600}' })] })] });
    expectSameBytes({ parts: [part(6, { tabs: [tab(6, { type: 3 as unknown as 'GAUGE' })] })] });
    expectSameBytes({ parts: [part(7, { tabs: [tab(7, { bounds: ['1', 2] })] })] });
    expectSameBytes({ parts: [part(8, { seq: '12' })] });
    expectSameBytes({ parts: [part(9, { seq: 2 ** 60 })] });
    expectSameBytes({ parts: [part(9, { session: 2 ** 60 })] });
    expectSameBytes({ parts: [part(10, { partition: -1 })] });
    expectSameBytes({ parts: [part(11, { tabs: [tab(11, { delta: 'AAEC' })] })] });
    const { clientId: _, ...noClient } = part(12);
    expectSameBytes({ parts: [noClient] });
  });
});
