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
});
