import { ConfigError } from '@taba/common';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_CALL_DEADLINE_MS,
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_MAX_LISTED_REJECTIONS,
  DEFAULT_REST_ADDRESS,
  loadConfig,
} from './config.js';

describe('gateway loadConfig', () => {
  it('reads the base config and defaults everything else', () => {
    const config = loadConfig({});
    expect(config.base.service).toBe('gateway');
    expect(config.base.grpcAddress).toBe('127.0.0.1:8301');
    expect(config).toMatchObject({
      restAddress: DEFAULT_REST_ADDRESS,
      ingestAddresses: ['127.0.0.1:8310'],
      queryAddresses: ['127.0.0.1:8330'],
      aggregatorAddresses: ['127.0.0.1:8320'],
      callDeadlineMs: DEFAULT_CALL_DEADLINE_MS,
      maxBodyBytes: DEFAULT_MAX_BODY_BYTES,
      maxListedRejections: DEFAULT_MAX_LISTED_REJECTIONS,
    });
    expect(DEFAULT_REST_ADDRESS).toBe('127.0.0.1:8300');
    expect(DEFAULT_CALL_DEADLINE_MS).toBe(30_000);
    expect(DEFAULT_MAX_BODY_BYTES).toBe(16 * 1024 * 1024);
    expect(DEFAULT_MAX_LISTED_REJECTIONS).toBe(1000);
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.ingestAddresses)).toBe(true);
  });

  it('reads every variable', () => {
    const config = loadConfig({
      TABA_REST_ADDRESS: '0.0.0.0:9000',
      TABA_INGEST_ADDRESSES: ' 10.0.0.1:8310, 10.0.0.2:8310 ,',
      TABA_QUERY_ADDRESSES: 'query:8330',
      TABA_AGGREGATOR_ADDRESSES: 'a1:8320,a2:8320',
      TABA_CALL_DEADLINE_MS: '5000',
      TABA_MAX_BODY_BYTES: '1024',
      TABA_MAX_LISTED_REJECTIONS: '0',
    });
    expect(config).toMatchObject({
      restAddress: '0.0.0.0:9000',
      ingestAddresses: ['10.0.0.1:8310', '10.0.0.2:8310'],
      queryAddresses: ['query:8330'],
      aggregatorAddresses: ['a1:8320', 'a2:8320'],
      callDeadlineMs: 5000,
      maxBodyBytes: 1024,
      maxListedRejections: 0,
    });
  });

  it.each([
    ['TABA_REST_ADDRESS', 'nonsense'],
    ['TABA_INGEST_ADDRESSES', '10.0.0.1:8310,nonsense'],
    ['TABA_QUERY_ADDRESSES', 'query'],
    ['TABA_AGGREGATOR_ADDRESSES', 'a:99999'],
    ['TABA_CALL_DEADLINE_MS', '0'],
    ['TABA_CALL_DEADLINE_MS', 'soon'],
    ['TABA_MAX_BODY_BYTES', '-1'],
    ['TABA_MAX_LISTED_REJECTIONS', 'many'],
    ['TABA_AUTH', 'on'],
    ['TABA_AUTH_RELOAD_INTERVAL_MS', '10'],
  ])('rejects %s=%s, naming the variable', (variable, value) => {
    expect(() => loadConfig({ [variable]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [variable]: value })).toThrow(new RegExp(`^${variable}: `));
  });

  it('leaves auth off by default, and requires a tokens file with TABA_AUTH=required', () => {
    expect(loadConfig({}).auth).toEqual({ mode: 'off', reloadIntervalMs: 1000 });
    expect(
      loadConfig({
        TABA_AUTH: 'required',
        TABA_AUTH_TOKENS_FILE: '/etc/taba/auth/tokens.yaml',
        TABA_AUTH_RELOAD_INTERVAL_MS: '250',
      }).auth,
    ).toEqual({
      mode: 'required',
      tokensFile: '/etc/taba/auth/tokens.yaml',
      reloadIntervalMs: 250,
    });
    expect(() => loadConfig({ TABA_AUTH: 'required' })).toThrow(
      'TABA_AUTH_TOKENS_FILE: is required with TABA_AUTH=required',
    );
  });
});

describe('gateway input limits', () => {
  it('defaults them, the /v1/events body to the largest legal batch', () => {
    const config = loadConfig({});
    expect(config.restLimits).toEqual({
      maxEventsBodyBytes: 6 * 1024 * 1024,
      maxPostClients: 1000,
      maxBatchEvents: 100_000,
    });
    expect(config.restCapacity).toEqual({
      maxConnections: 1024,
      maxInflightRequests: 256,
      maxInflightBodyBytes: 64 * 1024 * 1024,
      maxHeaderBytes: 16_384,
      headersTimeoutMs: 10_000,
      requestTimeoutMs: 120_000,
    });
  });

  it('reads every one, and refuses a head timeout longer than the request timeout', () => {
    const config = loadConfig({
      TABA_EVENTS_MAX_BODY_BYTES: '1000',
      TABA_POST_MAX_CLIENTS: '5',
      TABA_MAX_BATCH_EVENTS: '50',
      TABA_REST_MAX_CONNECTIONS: '7',
      TABA_REST_MAX_INFLIGHT_REQUESTS: '3',
      TABA_REST_MAX_INFLIGHT_BODY_BYTES: '2048',
      TABA_REST_MAX_HEADER_BYTES: '4096',
      TABA_REST_HEADERS_TIMEOUT_MS: '500',
      TABA_REST_REQUEST_TIMEOUT_MS: '900',
    });
    expect(config.restLimits).toEqual({
      maxEventsBodyBytes: 1000,
      maxPostClients: 5,
      maxBatchEvents: 50,
    });
    expect(config.restCapacity).toEqual({
      maxConnections: 7,
      maxInflightRequests: 3,
      maxInflightBodyBytes: 2048,
      maxHeaderBytes: 4096,
      headersTimeoutMs: 500,
      requestTimeoutMs: 900,
    });
    expect(() =>
      loadConfig({ TABA_REST_HEADERS_TIMEOUT_MS: '5000', TABA_REST_REQUEST_TIMEOUT_MS: '1000' }),
    ).toThrow(
      'TABA_REST_HEADERS_TIMEOUT_MS: must be at most TABA_REST_REQUEST_TIMEOUT_MS (1000), got 5000',
    );
  });
});
