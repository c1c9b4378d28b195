import { ALL_CLIENTS, redisKeys } from '@taba/common';
import { describe, expect, it } from 'vitest';
import { buildDeleteArgs } from './delete-script.js';

const NOW = 1_800_000_000;

describe('buildDeleteArgs', () => {
  it('names every key of each Tab once, and the clients the script must still find', () => {
    const { keys, argv } = buildDeleteArgs(
      7,
      [
        { name: 'a', type: 'COUNTER_GROUP', clients: ['c1', 'c2'] },
        { name: 'b', type: 'BUFFER', clients: ['c1'] },
      ],
      NOW,
    );
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
    const doomed = argv.slice(16).map(key);
    expect(doomed).toHaveLength(doomedCount);
    expect(new Set(doomed)).toEqual(
      new Set([
        ...['c1', 'c2', ALL_CLIENTS].flatMap(c => [
          redisKeys.state(7, 'a', c),
          redisKeys.buffer(7, 'a', c),
        ]),
        ...['c1', ALL_CLIENTS].flatMap(c => [
          redisKeys.state(7, 'b', c),
          redisKeys.buffer(7, 'b', c),
        ]),
      ]),
    );
    expect(new Set(keys).size).toBe(keys.length);
  });

  it('deletes a Unique register bucket until its key has expired', () => {
    const { keys } = buildDeleteArgs(3, [{ name: 'u', type: 'UNIQUE', clients: ['c'] }], NOW);
    // The 1m window's 10 s buckets: live ones, and one that left it 50 s ago (grace is 60 s).
    const first10s = Math.floor(NOW / 10) - 5;
    for (const client of ['c', ALL_CLIENTS]) {
      expect(keys).toContain(redisKeys.registers(3, 'u', client, 'L'));
      expect(keys).toContain(redisKeys.registers(3, 'u', client, `0:${first10s}`));
      expect(keys).toContain(redisKeys.registers(3, 'u', client, `0:${first10s - 5}`));
      expect(keys).not.toContain(redisKeys.registers(3, 'u', client, `0:${first10s - 7}`));
    }
  });
});
