// Each service as a real child process, run from source: health, GetStatus, SIGTERM, bad config.
import type { InstanceStatus__Output, ServiceName } from '@taba/common';
import { afterAll, describe, expect, it } from 'vitest';
import {
  connectAggregator,
  connectIngest,
  connectQuery,
  connectTaba,
  deadlineIn,
  unary,
} from './support/grpc-client.js';
import { createHealthClient } from './support/grpc-health.js';
import { useRedisServer } from './support/redis-server.js';
import {
  killAllServiceProcesses,
  spawnServiceProcess,
  startServiceProcess,
} from './support/service-process.js';

/** The grace each child gets; a clean SIGTERM must end well within it. */
const GRACE_MS = 3000;

interface ServiceCase {
  readonly service: ServiceName;
  readonly grpcService: string;
  /** GetStatus through a real client of the service's own contract. */
  readonly getStatus: (address: string) => Promise<readonly InstanceStatus__Output[]>;
  /**
   * A variable and a value it rejects. One per service keeps the child count (and the time,
   * each child costs about a CPU-second to start) down; together they cover the shared readers.
   */
  readonly invalid: readonly [variable: string, value: string];
}

/** Calls GetStatus with a fresh client of an internal service, closing it afterwards. */
function internalStatus(
  connect: typeof connectIngest | typeof connectAggregator | typeof connectQuery,
): ServiceCase['getStatus'] {
  return async address => {
    const client = connect(address);
    try {
      const self = await unary<InstanceStatus__Output>(callback =>
        client.getStatus({}, { deadline: deadlineIn() }, callback),
      );
      return [self];
    } finally {
      client.close();
    }
  };
}

const CASES: readonly ServiceCase[] = [
  {
    service: 'gateway',
    grpcService: 'taba.v1.Taba',
    getStatus: async address => {
      const client = connectTaba(address);
      try {
        const reply = await unary<{ instances: InstanceStatus__Output[] }>(callback =>
          client.getStatus({}, { deadline: deadlineIn() }, callback),
        );
        // The gateway lists itself first, then the instances behind it.
        return reply.instances.slice(0, 1);
      } finally {
        client.close();
      }
    },
    invalid: ['TABA_REST_ADDRESS', 'nonsense'],
  },
  {
    service: 'ingest',
    grpcService: 'taba.internal.v1.Ingest',
    getStatus: internalStatus(connectIngest),
    invalid: ['TABA_LOG_LEVEL', 'loud'],
  },
  {
    service: 'aggregator',
    grpcService: 'taba.internal.v1.Aggregator',
    getStatus: internalStatus(connectAggregator),
    invalid: ['TABA_GRPC_ADDRESS', 'nonsense'],
  },
  {
    service: 'query',
    grpcService: 'taba.internal.v1.Query',
    getStatus: internalStatus(connectQuery),
    invalid: ['TABA_SHUTDOWN_GRACE_MS', 'soon'],
  },
];

afterAll(killAllServiceProcesses);
const redis = useRedisServer();

// Child processes spend most of their time starting node + tsx: run the cases side by side.
describe.concurrent.each(CASES)('$service as a child process', testCase => {
  const { service, grpcService, getStatus, invalid } = testCase;

  it('serves health and GetStatus, then exits 0 on SIGTERM, logging listening then stopped', async () => {
    const instanceId = `${service}-lifecycle-1`;
    const child = await startServiceProcess({
      service,
      env: {
        TABA_INSTANCE_ID: instanceId,
        TABA_LOG_LEVEL: 'info',
        TABA_SHUTDOWN_GRACE_MS: String(GRACE_MS),
        TABA_REDIS_SHARDS: redis().url,
        TABA_REST_ADDRESS: '127.0.0.1:0',
      },
    });

    const health = createHealthClient(child.address);
    try {
      expect(await health.check('')).toBe('SERVING');
      expect(await health.check(grpcService)).toBe('SERVING');
    } finally {
      health.close();
    }
    expect(await getStatus(child.address)).toMatchObject([
      { service, instanceId, address: child.address },
    ]);
    const signalledAt = performance.now();
    const exit = await child.stop('SIGTERM', GRACE_MS);
    expect(performance.now() - signalledAt).toBeLessThan(GRACE_MS);
    expect(exit, child.stderr()).toEqual({ code: 0, signal: null });

    const messages = child.logLines().map(line => line.msg);
    const listening = messages.indexOf('listening');
    expect(listening, child.stdout()).toBeGreaterThanOrEqual(0);
    expect(messages.indexOf('stopped'), child.stdout()).toBeGreaterThan(listening);
    const listeningLine = child.logLines()[listening];
    expect(listeningLine).toMatchObject({ service, instanceId, address: child.address });
    // Nothing above info: a clean start and stop are not warnings.
    const loud = child.logLines().filter(line => typeof line.level !== 'number' || line.level > 30);
    expect(loud).toEqual([]);
    expect(child.stderr()).toBe('');
  });

  it(`exits 2 with one stderr line naming ${invalid[0]} when it is invalid`, async () => {
    const [variable, value] = invalid;
    const child = await spawnServiceProcess({ service, env: { [variable]: value } });
    const exit = await child.waitForExit(30_000);

    expect(exit, `${child.stdout()}${child.stderr()}`).toEqual({ code: 2, signal: null });
    const lines = child.stderr().trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^${service}: ${variable}: .*"${value}"$`));
    expect(child.stdout()).toBe('');
  });
});
