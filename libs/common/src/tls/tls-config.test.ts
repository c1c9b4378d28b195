import { describe, expect, it } from 'vitest';
import { ConfigError } from '../config/env-readers.js';
import { loadClientTlsOptions, loadTlsConfig } from './tls-config.js';
import { TlsCredentials } from './tls-credentials.js';

function configError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadTlsConfig', () => {
  it('is plaintext on both sides by default, polling every 10 s once files are given', () => {
    expect(loadTlsConfig({})).toEqual({ reloadIntervalMs: 10_000 });
    expect(new TlsCredentials(loadTlsConfig({})).serving).toBe(false);
  });

  it('reads the server pair, the client CA for mTLS, and the client side', () => {
    expect(
      loadTlsConfig({
        TABA_TLS_CERT_FILE: '/s.crt',
        TABA_TLS_KEY_FILE: '/s.key',
        TABA_TLS_CLIENT_CA_FILE: '/clients.crt',
        TABA_TLS_CA_FILE: '/ca.crt',
        TABA_TLS_CLIENT_CERT_FILE: '/c.crt',
        TABA_TLS_CLIENT_KEY_FILE: '/c.key',
        TABA_TLS_SERVER_NAME: 'taba.internal',
        TABA_TLS_RELOAD_INTERVAL_MS: '0',
      }),
    ).toEqual({
      server: { certFile: '/s.crt', keyFile: '/s.key', caFile: '/clients.crt' },
      client: { caFile: '/ca.crt', certFile: '/c.crt', keyFile: '/c.key' },
      serverName: 'taba.internal',
      reloadIntervalMs: 0,
    });
  });

  it('refuses half a pair, mTLS without a certificate, and a client certificate without a CA', () => {
    expect(configError(() => loadTlsConfig({ TABA_TLS_CERT_FILE: '/s.crt' })).message).toBe(
      'TABA_TLS_KEY_FILE: must be set with TABA_TLS_CERT_FILE',
    );
    expect(configError(() => loadTlsConfig({ TABA_TLS_CLIENT_CA_FILE: '/c' })).variable).toBe(
      'TABA_TLS_CLIENT_CA_FILE',
    );
    expect(
      configError(() =>
        loadTlsConfig({ TABA_TLS_CLIENT_CERT_FILE: '/c.crt', TABA_TLS_CLIENT_KEY_FILE: '/c.key' }),
      ).variable,
    ).toBe('TABA_TLS_CLIENT_CERT_FILE');
  });

  it('gives a gateway client its files only with a CA file', () => {
    expect(
      loadClientTlsOptions({ TABA_TLS_CERT_FILE: '/s.crt', TABA_TLS_KEY_FILE: '/s.key' }),
    ).toBe(undefined);
    expect(
      loadClientTlsOptions({ TABA_TLS_CA_FILE: '/ca.crt', TABA_TLS_SERVER_NAME: 'gw' }),
    ).toEqual({
      caFile: '/ca.crt',
      serverName: 'gw',
    });
  });
});

describe('TlsCredentials', () => {
  it('names the setting of a file it cannot read', () => {
    const error = configError(
      () => new TlsCredentials({ server: { certFile: '/nonexistent.crt', keyFile: '/x.key' } }),
    );
    expect(error.message).toBe('TABA_TLS_CERT_FILE: cannot read "/nonexistent.crt": ENOENT');
  });
});
