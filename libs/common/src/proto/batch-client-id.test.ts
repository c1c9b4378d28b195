import { describe, expect, it } from 'vitest';
import { InvalidArgumentError } from '../errors/taba-error.js';
import { SeededRandom } from '../test-support/seeded-random.js';
import { readBatchClientId } from './batch-client-id.js';
import { decodeEventBatch } from './event-batch-codec.js';
import { loadTabaProtos } from './load.js';

const { EventBatch } = loadTabaProtos().taba.v1;

describe('readBatchClientId', () => {
  it('reads the client ID past columns of every kind', () => {
    const bytes = EventBatch.serialize({
      seq: 7,
      sentAt: 1_763_805_600,
      tabs: [
        { name: 'a', type: 'COUNTER_GROUP', values: [1, 2, 3], timestamps: [1, 2, 3] },
        { name: 'b', type: 'GAUGE', strings: ['x', 'y'] },
      ],
      clientId: 'bidder-7',
    });
    expect(readBatchClientId(bytes)).toBe('bidder-7');
    expect(readBatchClientId(EventBatch.serialize({ seq: 1 }))).toBe('');
  });

  it('takes the last client_id, as the batch decoder does', () => {
    const first = EventBatch.serialize({ clientId: 'bidder-1' });
    const second = EventBatch.serialize({ clientId: 'victim', seq: 3 });
    const joined = Buffer.concat([first, second]);
    expect(readBatchClientId(joined)).toBe('victim');
    expect(decodeEventBatch(joined).clientId).toBe('victim');
  });

  it('agrees with the batch decoder on mutated batches, or refuses them as it does', () => {
    const random = new SeededRandom(9);
    const valid = EventBatch.serialize({
      clientId: 'bidder-1',
      seq: 4,
      tabs: [{ name: 'n', type: 'GAUGE', values: [1, 2] }],
    });
    let agreed = 0;
    for (let i = 0; i < 2000; i += 1) {
      const bytes = Buffer.from(valid);
      bytes[random.int(0, bytes.length - 1)] = random.int(0, 255);
      let decoded: string | undefined;
      try {
        decoded = decodeEventBatch(bytes).clientId;
      } catch {
        decoded = undefined;
      }
      if (decoded === undefined) continue;
      expect(readBatchClientId(bytes), bytes.toString('hex')).toBe(decoded);
      agreed += 1;
    }
    expect(agreed).toBeGreaterThan(100);
  });

  it('refuses bytes that are not an EventBatch with MALFORMED_BATCH', () => {
    // Field 5 with wire type 7, which does not exist.
    const cut = Buffer.concat([
      EventBatch.serialize({ clientId: 'bidder-1' }),
      Buffer.from([0x2f]),
    ]);
    expect(() => readBatchClientId(cut)).toThrow(InvalidArgumentError);
    expect(() => readBatchClientId(cut)).toThrow('not a valid taba.v1.EventBatch');
  });
});
