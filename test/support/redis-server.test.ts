import { existsSync } from 'node:fs';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { isAcceptingConnections } from './free-port.js';
import { findRedisServer, startRedisServer, useRedisServer } from './redis-server.js';

/** A client that fails instead of retrying, so a dead server shows as an error at once. */
function connectOnce(url: string): Redis {
  const client = new Redis(url, {
    lazyConnect: true,
    connectTimeout: 1000,
    commandTimeout: 1000,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  client.on('error', () => {});
  return client;
}

describe('useRedisServer', () => {
  const redis = useRedisServer();

  it('answers PING and SET/GET on its loopback port', async () => {
    const { url, port } = redis();
    expect(url).toBe(`redis://127.0.0.1:${port}`);
    const client = connectOnce(url);
    try {
      await client.connect();
      expect(await client.ping()).toBe('PONG');
      expect(await client.set('taba:test', 'value')).toBe('OK');
      expect(await client.get('taba:test')).toBe('value');
      // No persistence: nothing to save, nothing written to disk.
      expect(await client.config('GET', 'save')).toEqual(['save', '']);
      expect(await client.config('GET', 'appendonly')).toEqual(['appendonly', 'no']);
    } finally {
      client.disconnect();
    }
  });
});

describe('startRedisServer', () => {
  it('passes extra arguments and is gone (connection refused) after stop', async () => {
    const server = await startRedisServer({ extraArgs: ['--maxmemory', '10mb'] });
    let tempDir = '';
    const client = connectOnce(server.url);
    try {
      await client.connect();
      expect(await client.config('GET', 'maxmemory')).toEqual([
        'maxmemory',
        String(10 * 1024 * 1024),
      ]);
      const [, dir] = (await client.config('GET', 'dir')) as [string, string];
      tempDir = dir;
    } finally {
      client.disconnect();
    }

    await server.stop();
    await server.stop(); // idempotent

    expect(await isAcceptingConnections(server.port)).toBe(false);
    expect(tempDir).toMatch(/taba-redis-/);
    expect(existsSync(tempDir)).toBe(false);
    const after = connectOnce(server.url);
    const connectionError = new Promise<unknown>(resolve => after.once('error', resolve));
    await expect(after.connect()).rejects.toThrow();
    expect(await connectionError).toMatchObject({ code: 'ECONNREFUSED' });
    after.disconnect();
  });

  it('says how to install redis-server when it is not on PATH', async () => {
    expect(() => findRedisServer('')).toThrow(
      'redis-server not found on PATH: apt-get install redis-server',
    );
    await expect(startRedisServer({ searchPath: '/nonexistent' })).rejects.toThrow(
      /redis-server not found on PATH/,
    );
  });
});
