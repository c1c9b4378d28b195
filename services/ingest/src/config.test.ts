import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

describe('ingest loadConfig', () => {
  it('bounds expiries at 30 days by default, and reads TABA_MAX_EXPIRY_SECONDS', () => {
    expect(loadConfig({}).limits.maxExpirySeconds).toBe(2_592_000);
    const shorter = loadConfig({ TABA_MAX_EXPIRY_SECONDS: '3600', TABA_GAUGE_TTL_SECONDS: '3600' });
    expect(shorter.limits.maxExpirySeconds).toBe(3600);
  });

  it('refuses a Gauge TTL past the expiry horizon', () => {
    expect(() =>
      loadConfig({ TABA_MAX_EXPIRY_SECONDS: '3600', TABA_GAUGE_TTL_SECONDS: '7200' }),
    ).toThrow('TABA_GAUGE_TTL_SECONDS: must be at most TABA_MAX_EXPIRY_SECONDS (3600), got 7200');
  });

  it('reads the batch limits every service sizes its messages by', () => {
    const config = loadConfig({ TABA_MAX_BATCH_TABS: '1000', TABA_MAX_NAME_LENGTH: '64' });
    expect(config.maxBatchTabs).toBe(1000);
    expect(config.limits.maxNameLength).toBe(64);
    expect(config.base.maxMessageBytes).toBe(3 * 1024 * 1024 + 1024);
  });
});
