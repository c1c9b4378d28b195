import { setTimeout as sleep } from 'node:timers/promises';
import { FailoverSafeSentinelConnector } from '@taba/common';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { pollUntil } from './poll.js';
import type { SentinelShard } from './redis-sentinel.js';
import { startSentinelShard } from './redis-sentinel.js';

const WRITTEN = 'taba:test:written';
/** Writes need to resume on the new master within this after the old one is killed, ms. */
const RESUME_BOUND_MS = 15_000;

/** A client that follows the master set the way the services do. */
function sentinelClient(shard: SentinelShard): Redis {
  const client = new Redis({
    sentinels: [...shard.sentinels],
    name: shard.name,
    role: 'master',
    failoverDetector: true,
    commandTimeout: 2000,
    sentinelCommandTimeout: 1000,
    connectTimeout: 1000,
    // A reply must come from the connection the write went to (see redis-connect.ts).
    autoResendUnfulfilledCommands: false,
    // Plain ioredis 6 gives up for good when +switch-master arrives while it is still looking
    // for the new master after a crash (see redis-connect.ts); this connector prevents that.
    Connector: FailoverSafeSentinelConnector,
    sentinelRetryStrategy: () => 100,
    retryStrategy: () => 100,
  });
  client.on('error', () => {});
  return client;
}

/** The port of the server a connection talks to. */
async function serverPort(client: Redis): Promise<number> {
  const server = await client.info('server');
  return Number(/tcp_port:(\d+)/.exec(server)?.[1]);
}

/**
 * Adds 0, 1, 2, … to a set, one at a time, until stopped. With `waitForReplica`, each SADD
 * is followed by `WAIT 1 1000` in the same pipeline (so on the same connection), and a write
 * counts as acknowledged only when a replica confirmed it.
 */
function startWriter(client: Redis, waitForReplica: boolean) {
  const acknowledged: number[] = [];
  const succeededAt: number[] = [];
  let errors = 0;
  let running = true;
  const loop = (async () => {
    for (let value = 0; running; value += 1) {
      try {
        const pipeline = client.pipeline().sadd(WRITTEN, String(value));
        if (waitForReplica) pipeline.wait(1, 1000);
        const replies = (await pipeline.exec()) ?? [];
        const [added, waited] = replies;
        if (!added || added[0]) throw added?.[0] ?? new Error('no SADD reply');
        succeededAt.push(performance.now());
        if (!waitForReplica) acknowledged.push(value);
        else if (waited && !waited[0] && Number(waited[1]) >= 1) acknowledged.push(value);
      } catch {
        errors += 1;
        // The connection is down (failover): pause briefly instead of spinning.
        await sleep(20);
      }
    }
  })();
  return {
    acknowledged,
    succeededAt,
    errors: () => errors,
    stop: async () => {
      running = false;
      await loop;
    },
  };
}

/** Values of `acknowledged` missing from the set on the current master. */
async function lostWrites(client: Redis, acknowledged: readonly number[]): Promise<number[]> {
  const kept = new Set(await client.smembers(WRITTEN));
  return acknowledged.filter(value => !kept.has(String(value)));
}

describe('startSentinelShard', () => {
  it('keeps every write a replica acknowledged across SENTINEL FAILOVER, twice', async () => {
    const shard = await startSentinelShard({ name: 'failover-shard' });
    const client = sentinelClient(shard);
    const writer = startWriter(client, true);
    try {
      const ports = shard.sentinels.map(({ port }) => `127.0.0.1:${port}`).join(',');
      expect(shard.url).toBe(`redis+sentinel://${ports}/failover-shard`);
      const first = await shard.currentMaster();
      expect(first).toEqual({ host: '127.0.0.1', port: shard.nodePorts[0] });

      await pollUntil(() => (writer.acknowledged.length >= 50 ? true : undefined), {
        what: '50 acknowledged writes',
        timeoutMs: 10_000,
      });
      const second = await shard.failover();
      expect(second.port).not.toBe(first.port);
      // The demoted master rejoins as a replica; from then on writes are acknowledged again.
      await shard.waitHealthy();
      const ackedAfterFirst = writer.acknowledged.length;
      await pollUntil(
        () => (writer.acknowledged.length >= ackedAfterFirst + 50 ? true : undefined),
        {
          what: '50 more acknowledged writes on the new master',
          timeoutMs: 10_000,
        },
      );
      expect(await serverPort(client)).toBe(second.port);

      // Safe only because the demoted node is back in sync (waitHealthy above).
      const third = await shard.failover();
      expect(third.port).toBe(first.port);
      await shard.waitHealthy();
      await writer.stop();

      expect(await serverPort(client)).toBe(first.port);
      expect(await lostWrites(client, writer.acknowledged)).toEqual([]);
      expect(writer.acknowledged.length).toBeGreaterThanOrEqual(ackedAfterFirst + 50);
    } finally {
      await writer.stop();
      client.disconnect();
      await shard.stop();
    }
  });

  it('resumes writes on a promoted replica after the master is killed, and takes it back', async () => {
    const shard = await startSentinelShard({ name: 'kill-shard', appendOnly: true });
    const client = sentinelClient(shard);
    const writer = startWriter(client, false);
    try {
      await pollUntil(() => (writer.succeededAt.length >= 50 ? true : undefined), {
        what: '50 writes',
        timeoutMs: 10_000,
      });
      const killedAt = performance.now();
      const old = await shard.currentMaster();
      const promoted = await shard.killMaster();
      expect(promoted.port).not.toBe(old.port);
      // A write that succeeds after the promotion went to the promoted node: the old one is dead.
      const promotedAt = performance.now();
      const resumedAt = await pollUntil(() => writer.succeededAt.find(time => time > promotedAt), {
        what: 'a write after the kill',
        timeoutMs: RESUME_BOUND_MS,
      });
      expect(resumedAt - killedAt).toBeLessThan(RESUME_BOUND_MS);
      expect(await serverPort(client)).toBe(promoted.port);

      await shard.restartKilled();
      await shard.waitHealthy();
      await writer.stop();
      // The restarted node (with its AOF) is back in the set: one of the two is the master and
      // the other its replica. Usually the restarted one is the replica; on a loaded machine the
      // Sentinels may fail over once more before it settles, which is as healthy.
      const master = await shard.currentMaster();
      expect([old.port, promoted.port]).toContain(master.port);
      const other = master.port === old.port ? promoted : old;
      const replica = new Redis({ host: '127.0.0.1', port: other.port, lazyConnect: true });
      replica.on('error', () => {});
      try {
        await replica.connect();
        const replication = await replica.info('replication');
        expect(replication).toContain('role:slave');
        expect(replication).toContain(`master_port:${master.port}`);
      } finally {
        replica.disconnect();
      }
    } finally {
      await writer.stop();
      client.disconnect();
      await shard.stop();
    }
  });
});
