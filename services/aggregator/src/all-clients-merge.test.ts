import { encodeTabOps } from '@taba/common';
import { describe, expect, it } from 'vitest';
import { groupAllClients } from './all-clients-merge.js';

describe('groupAllClients', () => {
  it('merges per partition, Tab and type, leaving out the parts named as duplicates', () => {
    const tab = (name: string, spec: string, count: string) => ({
      name,
      spec,
      delta: encodeTabOps({ hash: ['i', 'c', count] }),
    });
    const groups = groupAllClients(
      [
        { partition: 1, tabs: [tab('a', 'COUNTER_GROUP', '1'), tab('b', 'COUNTER_GROUP', '2')] },
        { partition: 1, tabs: [tab('a', 'COUNTER_GROUP', '10')] },
        { partition: 1, tabs: [tab('a', 'COUNTER_GROUP', '100')] },
        { partition: 2, tabs: [tab('a', 'GAUGE', '1000')] },
      ],
      new Set([2]),
    );
    expect(groups).toEqual([
      {
        partition: 1,
        name: 'a',
        spec: 'COUNTER_GROUP',
        delta: encodeTabOps({ hash: ['i', 'c', '11'] }),
      },
      {
        partition: 1,
        name: 'b',
        spec: 'COUNTER_GROUP',
        delta: encodeTabOps({ hash: ['i', 'c', '2'] }),
      },
      { partition: 2, name: 'a', spec: 'GAUGE', delta: encodeTabOps({ hash: ['i', 'c', '1000'] }) },
    ]);
  });

  it('keeps the bytes of a group of one Delta as they came, without decoding them', () => {
    const delta = encodeTabOps({ hash: ['i', 'c', '7', 'f', 't', '0.5'] });
    const [group] = groupAllClients(
      [{ partition: 3, tabs: [{ name: 'a', spec: 'X', delta }] }],
      new Set(),
    );
    expect(group?.delta.buffer).toBe(delta.buffer);
    expect(group?.delta.byteOffset).toBe(delta.byteOffset);
    expect(group?.delta.equals(delta)).toBe(true);
  });
});
