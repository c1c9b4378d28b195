import { describe, expect, it } from 'vitest';
import {
  healthyInstances,
  joinHostPort,
  retryDelayMs,
  sameInstances,
  splitHostPort,
} from './consul-health.js';

/** One `/v1/health/service` entry, as Consul answers it (the fields discovery reads). */
function entry(
  id: string,
  serviceAddress: string,
  port: number,
  statuses: readonly string[] = ['passing', 'passing'],
): unknown {
  return {
    Node: { ID: 'n', Node: 'node-1', Address: '10.0.0.9', Datacenter: 'dc1' },
    Service: { ID: id, Service: 'ingest', Tags: [], Address: serviceAddress, Port: port, Meta: {} },
    Checks: statuses.map((Status, i) => ({
      CheckID: i === 0 ? 'serfHealth' : `service:${id}`,
      Status,
    })),
  };
}

describe('healthyInstances', () => {
  it('maps entries to sorted instances, the node address standing in for an empty one', () => {
    expect(
      healthyInstances([
        entry('ingest-b', '127.0.0.1', 8311),
        entry('ingest-a', '', 8310),
        entry('ingest-c', '::1', 8312),
      ]),
    ).toEqual([
      { id: 'ingest-a', address: '10.0.0.9:8310' },
      { id: 'ingest-b', address: '127.0.0.1:8311' },
      { id: 'ingest-c', address: '[::1]:8312' },
    ]);
  });

  it('drops entries with a non-passing check, duplicates and malformed entries', () => {
    expect(
      healthyInstances([
        entry('warn', '127.0.0.1', 1, ['passing', 'warning']),
        entry('down', '127.0.0.1', 2, ['critical', 'passing']),
        entry('same', '127.0.0.1', 3),
        entry('same', '127.0.0.2', 4),
        { Service: { ID: 'no-port', Address: '127.0.0.1' } },
        { Service: { ID: '', Address: '127.0.0.1', Port: 5 } },
        { Service: { ID: 'no-address', Address: '', Port: 6 } },
        null,
        'text',
      ]),
    ).toEqual([{ id: 'same', address: '127.0.0.1:3' }]);
    expect(healthyInstances(undefined)).toEqual([]);
    expect(healthyInstances({})).toEqual([]);
  });
});

describe('host and port', () => {
  it('splits host:port and [v6]:port, and joins them back', () => {
    expect(splitHostPort('127.0.0.1:8310')).toEqual({ host: '127.0.0.1', port: 8310 });
    expect(splitHostPort('ingest.local:1')).toEqual({ host: 'ingest.local', port: 1 });
    expect(splitHostPort('[::1]:8310')).toEqual({ host: '::1', port: 8310 });
    expect(joinHostPort('::1', 8310)).toBe('[::1]:8310');
    expect(joinHostPort('10.0.0.1', 80)).toBe('10.0.0.1:80');
  });

  it('names the address it cannot use', () => {
    for (const bad of ['127.0.0.1', '127.0.0.1:0', 'host:65536', '::1:80', ':80', 'a:b']) {
      expect(() => splitHostPort(bad), bad).toThrowError(
        `expected host:port with a port from 1 to 65535, got "${bad}"`,
      );
    }
  });
});

describe('sameInstances', () => {
  it('compares ids and addresses in order', () => {
    const a = { id: 'a', address: 'h:1' };
    const b = { id: 'b', address: 'h:2' };
    expect(sameInstances([a, b], [{ ...a }, { ...b }])).toBe(true);
    expect(sameInstances([a, b], [b, a])).toBe(false);
    expect(sameInstances([a], [{ id: 'a', address: 'h:9' }])).toBe(false);
    expect(sameInstances([], [a])).toBe(false);
  });
});

describe('retryDelayMs', () => {
  it('doubles from the first delay up to the cap, spread by ±20 %', () => {
    const middle = () => 0.5;
    expect([1, 2, 3, 4, 5, 10].map(attempt => retryDelayMs(attempt, 200, 2000, middle))).toEqual([
      200, 400, 800, 1600, 2000, 2000,
    ]);
    expect(retryDelayMs(1, 200, 2000, () => 0)).toBe(160);
    expect(retryDelayMs(9, 200, 2000, () => 1)).toBe(2400);
  });
});
