import { describe, expect, it } from 'vitest';
import { ConfigError } from '../config/env-readers.js';
import { ConsulDiscovery } from './consul-discovery.js';
import { discoveryFromEnv, loadDiscoveryConfig } from './discovery-config.js';
import { StaticDiscovery } from './static-discovery.js';

describe('loadDiscoveryConfig', () => {
  it('defaults to static discovery and to a local Consul', () => {
    expect(loadDiscoveryConfig({})).toEqual({
      mode: 'static',
      consul: {
        url: 'http://127.0.0.1:8500',
        ttlMs: 1500,
        deregisterAfterMs: 60_000,
        waitMs: 30_000,
      },
    });
  });

  it('reads every TABA_CONSUL_* variable', () => {
    expect(
      loadDiscoveryConfig({
        TABA_DISCOVERY: 'consul',
        TABA_CONSUL_URL: 'https://consul.internal:8501',
        TABA_CONSUL_TTL_MS: '3000',
        TABA_CONSUL_DEREGISTER_AFTER_MS: '120000',
        TABA_CONSUL_WAIT_MS: '5000',
        TABA_CONSUL_TOKEN: ' secret ',
      }),
    ).toEqual({
      mode: 'consul',
      consul: {
        url: 'https://consul.internal:8501',
        ttlMs: 3000,
        deregisterAfterMs: 120_000,
        waitMs: 5000,
        token: 'secret',
      },
    });
  });

  it('fails fast, naming the variable', () => {
    const cases: [Record<string, string>, ConfigError][] = [
      [
        { TABA_DISCOVERY: 'zookeeper' },
        new ConfigError('TABA_DISCOVERY', 'must be one of static, consul, got "zookeeper"'),
      ],
      [
        { TABA_CONSUL_URL: 'consul:8500' },
        new ConfigError('TABA_CONSUL_URL', 'must be an http:// or https:// URL, got "consul:8500"'),
      ],
      [
        { TABA_CONSUL_URL: 'not a url' },
        new ConfigError('TABA_CONSUL_URL', 'must be an http:// or https:// URL, got "not a url"'),
      ],
      [
        { TABA_CONSUL_URL: 'http://consul:8500/v1' },
        new ConfigError(
          'TABA_CONSUL_URL',
          'must be only scheme, host and port, got "http://consul:8500/v1"',
        ),
      ],
      [
        { TABA_CONSUL_TTL_MS: '100' },
        new ConfigError('TABA_CONSUL_TTL_MS', 'must be at least 300, got 100'),
      ],
      [
        { TABA_CONSUL_DEREGISTER_AFTER_MS: '1m' },
        new ConfigError('TABA_CONSUL_DEREGISTER_AFTER_MS', 'must be an integer, got "1m"'),
      ],
      [
        { TABA_CONSUL_WAIT_MS: '700000' },
        new ConfigError('TABA_CONSUL_WAIT_MS', 'must be at most 600000, got 700000'),
      ],
    ];
    for (const [env, error] of cases) {
      expect(() => loadDiscoveryConfig(env)).toThrowError(error);
    }
  });
});

describe('discoveryFromEnv', () => {
  it('builds static discovery from the given addresses, or Consul discovery', async () => {
    const fromStatic = discoveryFromEnv({}, { ingest: ['127.0.0.1:8310'] });
    expect(fromStatic).toBeInstanceOf(StaticDiscovery);
    expect(fromStatic.instances('ingest')).toEqual([
      { id: '127.0.0.1:8310', address: '127.0.0.1:8310' },
    ]);

    // Nothing is sent to Consul until a service is registered or watched.
    const fromConsul = discoveryFromEnv(
      { TABA_DISCOVERY: 'consul', TABA_CONSUL_URL: 'http://127.0.0.1:1' },
      { ingest: ['127.0.0.1:8310'] },
    );
    expect(fromConsul).toBeInstanceOf(ConsulDiscovery);
    expect(fromConsul.describe()).toEqual({
      discovery: 'consul',
      consul: 'not contacted yet',
      'consul.url': 'http://127.0.0.1:1',
    });
    await fromConsul.close();
  });
});
