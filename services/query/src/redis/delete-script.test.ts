import { ALL_CLIENTS, redisKeys } from '@taba/common';
import { describe, expect, it } from 'vitest';
import { buildDeleteArgs } from './delete-script.js';

describe('buildDeleteArgs', () => {
  it('names every key of each Tab once, and the clients the script must still find', () => {
    const { keys, argv } = buildDeleteArgs(7, [
      { name: 'a', type: 'COUNTER_GROUP', clients: ['c1', 'c2'] },
      { name: 'b', type: 'BUFFER', clients: ['c1'] },
    ]);
    const key = (index: string | undefined) => keys[Number(index) - 1];
    expect(key(argv[0])).toBe(redisKeys.version(7));
    expect(key(argv[1])).toBe(redisKeys.types(7));
    expect(argv[2]).toBe('2');
    expect(argv.slice(3, 6)).toEqual(['a', argv[4], '2']);
    expect(key(argv[4])).toBe(redisKeys.clients(7, 'a'));
    expect([argv[6], key(argv[7]), argv[8], key(argv[9])]).toEqual([
      'c1',
      redisKeys.tabsOfClient(7, 'c1'),
      'c2',
      redisKeys.tabsOfClient(7, 'c2'),
    ]);
    const doomedCount = Number(argv[15]);
    const doomed = argv.slice(16, 16 + doomedCount).map(key);
    expect(doomed).toHaveLength(doomedCount);
    expect(argv).toHaveLength(17 + doomedCount);
    expect(key(argv.at(-1))).toBe(redisKeys.idleSince(7));
    expect(new Set(doomed)).toEqual(
      new Set([
        ...['c1', 'c2', ALL_CLIENTS].map(c => redisKeys.cell(7, 'a', c)),
        ...['c1', ALL_CLIENTS].map(c => redisKeys.cell(7, 'b', c)),
      ]),
    );
    expect(new Set(keys).size).toBe(keys.length);
  });
});
