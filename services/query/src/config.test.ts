import { ConfigError } from '@taba/common';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

describe('loadConfig', () => {
  it('has documented defaults', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      regexMaxLength: 256,
      regexTimeoutMs: 100,
      cacheEntries: 1000,
      maxTabsPerQuery: 10_000,
    });
    expect(config.cluster.partitionCount).toBe(1024);
    expect(config.base.grpcAddress).toBe('127.0.0.1:8330');
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('reads every variable', () => {
    const config = loadConfig({
      TABA_REGEX_MAX_LENGTH: '64',
      TABA_REGEX_TIMEOUT_MS: '250',
      TABA_QUERY_CACHE_ENTRIES: '0',
      TABA_MAX_TABS_PER_QUERY: '5',
      TABA_PARTITIONS: '16',
      TABA_REDIS_SHARDS: 'redis://127.0.0.1:7000,redis://127.0.0.1:7001',
    });
    expect(config).toMatchObject({
      regexMaxLength: 64,
      regexTimeoutMs: 250,
      cacheEntries: 0,
      maxTabsPerQuery: 5,
      cluster: {
        partitionCount: 16,
        redisShards: [
          { kind: 'plain', url: 'redis://127.0.0.1:7000' },
          { kind: 'plain', url: 'redis://127.0.0.1:7001' },
        ],
      },
    });
  });

  it('has documented input limits, and reads them', () => {
    expect(loadConfig({})).toMatchObject({
      maxStatesPerQuery: 100_000,
      maxFilterNames: 10_000,
      maxFilterClients: 10_000,
      maxFilterPatterns: 64,
      maxValueLength: 256,
      cacheBytes: 64 * 1024 * 1024,
      maxInflight: 64,
    });
    expect(
      loadConfig({
        TABA_MAX_STATES_PER_QUERY: '9',
        TABA_MAX_FILTER_NAMES: '8',
        TABA_MAX_FILTER_CLIENTS: '7',
        TABA_MAX_FILTER_PATTERNS: '6',
        TABA_MAX_CLIENT_ID_LENGTH: '300',
        TABA_QUERY_CACHE_BYTES: '5',
        TABA_QUERY_MAX_INFLIGHT: '4',
      }),
    ).toMatchObject({
      maxStatesPerQuery: 9,
      maxFilterNames: 8,
      maxFilterClients: 7,
      maxFilterPatterns: 6,
      maxValueLength: 300,
      cacheBytes: 5,
      maxInflight: 4,
    });
  });

  it('has documented read-load settings, and reads them', () => {
    expect(loadConfig({})).toMatchObject({
      maxInflightStates: 4000,
      admissionWaitMs: 250,
      maxReadMs: 1000,
      catalogueBytes: 256 * 1024 * 1024,
      stateCacheBytes: 64 * 1024 * 1024,
      regexQueueWaitMs: 100,
      regexMaxQueued: 64,
    });
    expect(
      loadConfig({
        TABA_QUERY_MAX_INFLIGHT_STATES: '11',
        TABA_QUERY_ADMISSION_WAIT_MS: '0',
        TABA_QUERY_MAX_READ_MS: '0',
        TABA_QUERY_CATALOGUE_BYTES: '12',
        TABA_QUERY_STATE_CACHE_BYTES: '0',
        TABA_REGEX_QUEUE_WAIT_MS: '13',
        TABA_REGEX_MAX_QUEUED: '14',
      }),
    ).toMatchObject({
      maxInflightStates: 11,
      admissionWaitMs: 0,
      maxReadMs: 0,
      catalogueBytes: 12,
      stateCacheBytes: 0,
      regexQueueWaitMs: 13,
      regexMaxQueued: 14,
    });
    expect(() => loadConfig({ TABA_QUERY_MAX_INFLIGHT_STATES: '0' })).toThrow(
      'TABA_QUERY_MAX_INFLIGHT_STATES',
    );
  });

  it('names the variable that does not parse', () => {
    for (const [name, value] of [
      ['TABA_REGEX_MAX_LENGTH', '0'],
      ['TABA_REGEX_TIMEOUT_MS', 'fast'],
      ['TABA_QUERY_CACHE_ENTRIES', '-1'],
      ['TABA_MAX_TABS_PER_QUERY', '0'],
    ] as const) {
      expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
      expect(() => loadConfig({ [name]: value })).toThrow(name);
    }
  });
});
