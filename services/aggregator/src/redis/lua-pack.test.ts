import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useRedisServer } from '../../../../test/support/redis-server.js';
import { packForLua } from './lua-pack.js';

const server = useRedisServer();
let redis: Redis;
beforeAll(() => {
  redis = new Redis(server().url);
});
afterAll(async () => {
  await redis.quit();
});

/** What Redis's cmsgpack makes of the packed array, each item back as text or number. */
async function unpacked(packed: Buffer): Promise<unknown[]> {
  return (await redis.eval(
    'local t = cmsgpack.unpack(ARGV[1]); local out = {}; for i, v in ipairs(t) do out[i] = type(v) == "number" and v or ("s" .. v) end; return out',
    0,
    packed,
  )) as unknown[];
}

describe('packForLua', () => {
  it('is read by Redis as the same integers, strings and bytes, at every header size', async () => {
    const bytes = Buffer.from([0, 255, 10, 13, 0x80]);
    const values = [
      0,
      127,
      128,
      255,
      256,
      65535,
      65536,
      2 ** 32 - 1,
      '',
      'é',
      'x'.repeat(31),
      'y'.repeat(32),
      'z'.repeat(300),
      'w'.repeat(70_000),
      bytes,
    ];
    const reply = await unpacked(packForLua(values));
    expect(reply.slice(0, 8)).toEqual([0, 127, 128, 255, 256, 65535, 65536, 2 ** 32 - 1]);
    expect(reply.slice(8, 14)).toEqual([
      's',
      'sé',
      `s${'x'.repeat(31)}`,
      `s${'y'.repeat(32)}`,
      `s${'z'.repeat(300)}`,
      `s${'w'.repeat(70_000)}`,
    ]);
    const raw = (await redis.callBuffer(
      'EVAL',
      'return cmsgpack.unpack(ARGV[1])[1]',
      0,
      packForLua([bytes]),
    )) as Buffer;
    expect(Buffer.compare(raw, bytes)).toBe(0);
  });

  it('packs arrays of 16 and 65,536 items', async () => {
    for (const length of [15, 16, 65_536]) {
      const values = Array.from({ length }, (_, i) => i % 200);
      expect(await unpacked(packForLua(values))).toEqual(values);
    }
  });

  it('refuses numbers it cannot pack', () => {
    expect(() => packForLua([-1])).toThrow(RangeError);
    expect(() => packForLua([1.5])).toThrow(RangeError);
  });
});
