import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isAcceptingConnections } from './free-port.js';
import { nonRetryingClient } from './redis-probe.js';
import { findRedisServer, startRedisServer, useRedisServer } from './redis-server.js';

describe('useRedisServer', () => {
  const redis = useRedisServer();

  it('answers PING and SET/GET on its loopback port', async () => {
    const { url, port } = redis();
    expect(url).toBe(`redis://127.0.0.1:${port}`);
    const client = nonRetryingClient(url);
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
    const client = nonRetryingClient(server.url);
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
    const after = nonRetryingClient(server.url);
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
