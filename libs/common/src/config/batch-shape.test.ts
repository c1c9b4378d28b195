import { describe, expect, it } from 'vitest';
import { loadServiceBaseConfig } from '../service/base-config.js';
import { DEFAULT_BATCH_SHAPE, largestBatchBytes, readBatchShape } from './batch-shape.js';

const MIB = 1024 * 1024;

describe('largestBatchBytes', () => {
  it('is 6 MiB with the default batch limits: 10,000 names of 256 and 100,000 unpacked events', () => {
    // 1024 + 256 + 10,000 × (256 + 32) + 100,000 × 27 = 5,581,280 bytes, rounded up to a MiB.
    expect(largestBatchBytes(DEFAULT_BATCH_SHAPE)).toBe(6 * MIB);
    expect(largestBatchBytes(readBatchShape({ TABA_MAX_BATCH_EVENTS: '1000000' }))).toBe(29 * MIB);
  });

  it('sizes TABA_MAX_MESSAGE_BYTES by the batch limits unless set: the aggregator 16 times', () => {
    expect(loadServiceBaseConfig({}, 'ingest').maxMessageBytes).toBe(6 * MIB + 1024);
    expect(loadServiceBaseConfig({}, 'gateway').maxMessageBytes).toBe(6 * MIB);
    expect(loadServiceBaseConfig({}, 'aggregator').maxMessageBytes).toBe(96 * MIB);
    expect(loadServiceBaseConfig({ TABA_MAX_BATCH_TABS: '1000' }, 'gateway').maxMessageBytes).toBe(
      3 * MIB,
    );
    expect(
      loadServiceBaseConfig({ TABA_MAX_MESSAGE_BYTES: '2048' }, 'gateway').maxMessageBytes,
    ).toBe(2048);
    expect(loadServiceBaseConfig({}, 'query').maxResponseBytes).toBe(64 * MIB);
  });
});
