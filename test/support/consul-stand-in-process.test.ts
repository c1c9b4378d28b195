// The stand-in child process behind the stack's `consul`: down and up on the same port, with
// its state kept, or killed and started anew.
import { afterEach, describe, expect, it } from 'vitest';
import type { ConsulStandInProcess } from './consul-stand-in-process.js';
import { startConsulStandInProcess } from './consul-stand-in-process.js';
import { isAcceptingConnections } from './free-port.js';

let standIn: ConsulStandInProcess | undefined;

afterEach(async () => {
  await standIn?.close();
  standIn = undefined;
});

async function register(url: string, id: string): Promise<number> {
  const response = await fetch(`${url}/v1/agent/service/register`, {
    method: 'PUT',
    body: JSON.stringify({ Name: 'query', ID: id, Address: '127.0.0.1', Port: 7000 }),
    signal: AbortSignal.timeout(5000),
  });
  return response.status;
}

async function serviceIds(url: string): Promise<string[]> {
  const response = await fetch(`${url}/v1/agent/services`, { signal: AbortSignal.timeout(5000) });
  return Object.keys((await response.json()) as Record<string, unknown>).sort();
}

describe('the Consul stand-in as a child process', () => {
  it('stops and starts on the same port keeping its state; after a kill it starts empty', async () => {
    const consul = await startConsulStandInProcess();
    standIn = consul;
    expect(consul.url).toBe(`http://127.0.0.1:${consul.port}`);
    expect(await register(consul.url, 'query-1')).toBe(200);

    await consul.stop();
    expect(consul.isListening()).toBe(false);
    expect(await isAcceptingConnections(consul.port)).toBe(false);
    await consul.start();
    expect(consul.isListening()).toBe(true);
    expect(await serviceIds(consul.url)).toEqual(['query-1']);

    await consul.stop();
    await consul.start({ keepState: false });
    expect(await serviceIds(consul.url)).toEqual([]);
    expect(await register(consul.url, 'query-2')).toBe(200);

    await consul.kill();
    expect(await isAcceptingConnections(consul.port)).toBe(false);
    await consul.start();
    expect(await serviceIds(consul.url)).toEqual([]);

    await consul.close();
    await consul.close();
    expect(await isAcceptingConnections(consul.port)).toBe(false);
  });
});
