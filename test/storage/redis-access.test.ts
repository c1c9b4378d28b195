// Redis credentials and TLS against real redis-servers: a TLS-only server with an ACL user and
// a password, reached through TABA_REDIS_SHARDS plus TABA_REDIS_USERNAME,
// TABA_REDIS_PASSWORD_FILE and TABA_REDIS_TLS_*, exactly as the services read them.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Env, InstanceStatus__Output, RedisConnection } from '@taba/common';
import { ConfigError, connectRedis, loadClusterConfig } from '@taba/common';
import { afterAll, describe, expect, it } from 'vitest';
import { connectAggregator, deadlineIn, unary } from '../support/grpc-client.js';
import { pollUntil } from '../support/poll.js';
import type { RedisCluster } from '../support/redis-cluster.js';
import { startRedisCluster } from '../support/redis-cluster.js';
import type { SentinelShard } from '../support/redis-sentinel.js';
import { startSentinelShard } from '../support/redis-sentinel.js';
import { useRedisServer } from '../support/redis-server.js';
import { startServiceProcess } from '../support/service-process.js';
import { createTestPki } from '../support/test-pki.js';

const pki = createTestPki();
afterAll(() => pki.remove());

// Characters a URL would need percent-encoded: a reason to keep passwords out of URLs.
const PASSWORD = 'pässwörd:1@/x';
const passwordFile = join(pki.dir, 'redis-password');
// A Secret mounted from `echo … > file` ends in a newline; it is not part of the password.
writeFileSync(passwordFile, `${PASSWORD}\n`);
const wrongPasswordFile = join(pki.dir, 'wrong-password');
writeFileSync(wrongPasswordFile, 'nope');

/** Connects the one target `env` names, as a service would, and runs `use` on it. */
async function withConnection<T>(
  env: Env,
  use: (redis: RedisConnection, errors: readonly Error[]) => Promise<T>,
): Promise<T> {
  const config = loadClusterConfig(env);
  const [target] = config.redisShards;
  if (!target) throw new Error('no target');
  const errors: Error[] = [];
  const redis = connectRedis(target, {
    commandTimeoutMs: 1500,
    connectTimeoutMs: 1500,
    access: config.redisAccess,
    onError: error => errors.push(error),
  });
  try {
    return await use(redis, errors);
  } finally {
    redis.disconnect();
  }
}

/** How a write fails: the command's error, and the first connection error reported. */
async function failureOf(env: Env): Promise<string> {
  return withConnection(env, (redis, errors) =>
    redis.set('taba:test:access', 'x').then(
      () => 'succeeded',
      (error: Error) => `${error.message} | ${errors[0]?.message ?? 'no connection error'}`,
    ),
  );
}

/** The first connection error matching `expected` that a connection made from `env` reports. */
async function connectionErrorOf(env: Env, expected: RegExp): Promise<string> {
  return withConnection(env, async (redis, errors) => {
    redis.set('taba:test:access', 'x').catch(() => undefined);
    return pollUntil(() => errors.find(error => expected.test(error.message))?.message, {
      what: `a connection error matching ${expected}`,
      timeoutMs: 5000,
    });
  });
}

describe('a TLS-only Redis with an ACL user and a password', () => {
  const server = useRedisServer({
    tls: { pki, authClients: 'optional' },
    password: 'default-user-password',
    aclUsers: [`taba on >${PASSWORD} ~taba:* +@all`],
  });

  it('takes rediss:// with the CA, the user and the password file', async () => {
    const env = {
      TABA_REDIS_SHARDS: server().url,
      TABA_REDIS_USERNAME: 'taba',
      TABA_REDIS_PASSWORD_FILE: passwordFile,
      TABA_REDIS_TLS_CA_FILE: pki.caFile,
    };
    expect(server().url.startsWith('rediss://')).toBe(true);
    await withConnection(env, async redis => {
      expect(await redis.set('taba:test:access', 'v')).toBe('OK');
      expect(await redis.call('ACL', 'WHOAMI')).toBe('taba');
    });
  });

  it('presents a client certificate when given one', async () => {
    await withConnection(
      {
        TABA_REDIS_SHARDS: server().url,
        TABA_REDIS_USERNAME: 'taba',
        TABA_REDIS_PASSWORD_FILE: passwordFile,
        TABA_REDIS_TLS_CA_FILE: pki.caFile,
        TABA_REDIS_TLS_CERT_FILE: pki.client.certFile,
        TABA_REDIS_TLS_KEY_FILE: pki.client.keyFile,
      },
      async redis => expect(await redis.get('taba:test:access')).toBe('v'),
    );
  });

  it('is refused with a wrong password, without one, without TLS, or without the CA', async () => {
    const base = { TABA_REDIS_USERNAME: 'taba', TABA_REDIS_TLS_CA_FILE: pki.caFile };
    expect(
      await failureOf({
        ...base,
        TABA_REDIS_SHARDS: server().url,
        TABA_REDIS_PASSWORD_FILE: wrongPasswordFile,
      }),
    ).toMatch(/WRONGPASS/);
    expect(
      await failureOf({ TABA_REDIS_SHARDS: server().url, TABA_REDIS_TLS_CA_FILE: pki.caFile }),
    ).toMatch(/NOAUTH/);
    // Plaintext to the TLS port: the server never answers a Redis reply.
    const plain = server().url.replace('rediss://', 'redis://');
    expect(
      await failureOf({
        ...base,
        TABA_REDIS_SHARDS: plain,
        TABA_REDIS_PASSWORD_FILE: passwordFile,
      }),
    ).toMatch(/\| (write ECONNRESET|read ECONNRESET|Connection is closed)/);
    // The system's CAs do not know the test CA.
    expect(
      await failureOf({
        TABA_REDIS_SHARDS: server().url,
        TABA_REDIS_USERNAME: 'taba',
        TABA_REDIS_PASSWORD_FILE: passwordFile,
      }),
    ).toMatch(/\| self-signed certificate in certificate chain$/);
  });

  it('lets a password in the URL win over the file', async () => {
    const url = server().url.replace('rediss://', 'rediss://taba:nope@');
    const env = {
      TABA_REDIS_SHARDS: url,
      TABA_REDIS_PASSWORD_FILE: passwordFile,
      TABA_REDIS_TLS_CA_FILE: pki.caFile,
    };
    expect(await failureOf(env)).toMatch(/WRONGPASS/);
  });
});

describe('a Sentinel shard whose data nodes and Sentinels want passwords', () => {
  const SENTINEL_PASSWORD = 'sentinel-secret';
  const sentinelPasswordFile = join(pki.dir, 'sentinel-password');
  writeFileSync(sentinelPasswordFile, SENTINEL_PASSWORD);
  let shard: SentinelShard | undefined;
  afterAll(async () => shard?.stop());

  it('is reached with both password files, across a failover, and refused without them', async () => {
    shard = await startSentinelShard({
      name: 'taba-secured',
      password: PASSWORD,
      sentinelPassword: SENTINEL_PASSWORD,
    });
    const env = {
      TABA_REDIS_SHARDS: shard.url,
      TABA_REDIS_PASSWORD_FILE: passwordFile,
      TABA_REDIS_SENTINEL_PASSWORD_FILE: sentinelPasswordFile,
    };
    await withConnection(env, async redis => {
      expect(await redis.set('taba:test:sentinel', '1')).toBe('OK');
      const master = await shard?.failover();
      // The connection follows the new master, logging in there too.
      const written = await pollUntil(
        async () =>
          (await redis.incr('taba:test:sentinel').catch(() => undefined)) === 2 ? true : undefined,
        { what: 'a write on the new master', timeoutMs: 15_000, intervalMs: 100 },
      );
      expect(written).toBe(true);
      expect(Number(/tcp_port:(\d+)/.exec(await redis.info('server'))?.[1])).toBe(master?.port);
    });
    // No Sentinel password: the Sentinels do not say where the master is.
    expect(await failureOf({ ...env, TABA_REDIS_SENTINEL_PASSWORD_FILE: '' })).toMatch(
      /All sentinels are unreachable.*Last error: NOAUTH/,
    );
    // The Sentinels' password but not the data nodes'.
    expect(await failureOf({ ...env, TABA_REDIS_PASSWORD_FILE: '' })).toMatch(/NOAUTH/);
  }, 60_000);
});

describe('a Sentinel shard over TLS (Sentinels, data nodes, replication) with passwords', () => {
  let shard: SentinelShard | undefined;
  afterAll(async () => shard?.stop());

  it('is reached through rediss+sentinel:// with the CA and the password files, across a failover', async () => {
    const sentinelPasswordFile = join(pki.dir, 'tls-sentinel-password');
    writeFileSync(sentinelPasswordFile, 'tls-sentinel-secret');
    shard = await startSentinelShard({
      name: 'taba-tls',
      password: PASSWORD,
      sentinelPassword: 'tls-sentinel-secret',
      tls: { pki },
    });
    expect(shard.url.startsWith('rediss+sentinel://')).toBe(true);
    const env = {
      TABA_REDIS_SHARDS: shard.url,
      TABA_REDIS_PASSWORD_FILE: passwordFile,
      TABA_REDIS_SENTINEL_PASSWORD_FILE: sentinelPasswordFile,
      TABA_REDIS_TLS_CA_FILE: pki.caFile,
    };
    await withConnection(env, async redis => {
      expect(await redis.set('taba:test:tls-sentinel', '1')).toBe('OK');
      const master = await shard?.failover();
      const written = await pollUntil(
        async () =>
          (await redis.incr('taba:test:tls-sentinel').catch(() => undefined)) === 2
            ? true
            : undefined,
        { what: 'a write on the new master', timeoutMs: 15_000, intervalMs: 100 },
      );
      expect(written).toBe(true);
      expect(await redis.config('GET', 'tls-port')).toEqual(['tls-port', String(master?.port)]);
    });
    // The Sentinels do not speak plaintext.
    const plain = { ...env, TABA_REDIS_SHARDS: shard.url.replace('rediss+', 'redis+') };
    expect(await failureOf(plain)).toMatch(/All sentinels are unreachable/);
  }, 60_000);
});

describe('a Redis Cluster over TLS whose nodes want a password', () => {
  let cluster: RedisCluster | undefined;
  afterAll(async () => cluster?.stop());

  it('is reached with rediss+cluster://, the CA and the password file, on every node', async () => {
    cluster = await startRedisCluster({ password: PASSWORD, tls: { pki } });
    expect(cluster.url.startsWith('rediss+cluster://')).toBe(true);
    const env = {
      TABA_REDIS_SHARDS: cluster.url,
      TABA_REDIS_PASSWORD_FILE: passwordFile,
      TABA_REDIS_TLS_CA_FILE: pki.caFile,
    };
    // Keys of 30 hash tags: every master (and so every node connection) is written.
    const tags = Array.from({ length: 30 }, (_, i) => `{p${i}}`);
    await withConnection(env, async redis => {
      for (const tag of tags) expect(await redis.set(`taba:test:${tag}`, tag)).toBe('OK');
      for (const tag of tags) expect(await redis.get(`taba:test:${tag}`)).toBe(tag);
    });
    // A refused Cluster connection: the error is reported, and a command or a pipeline waiting in
    // the Cluster's offline queue fails after the command timeout (1.5 s here), not never.
    const noPassword = { ...env, TABA_REDIS_PASSWORD_FILE: '' };
    expect(await connectionErrorOf(noPassword, /NOAUTH/)).toBe('NOAUTH Authentication required.');
    await withConnection(noPassword, async redis => {
      const started = Date.now();
      const [command, piped] = await Promise.all([
        redis.set('taba:test:refused', 'x').then(
          () => 'succeeded',
          (error: Error) => error.message,
        ),
        redis
          .pipeline()
          .set('taba:test:refused', 'x')
          .exec()
          .then(
            replies => String(replies?.[0]?.[0]?.message ?? 'succeeded'),
            (error: Error) => error.message,
          ),
      ]);
      expect(command).toBe('Command timed out');
      // The pipeline waits for the slots; it ends with its timeout or when the slots refresh fails.
      expect(piped).toMatch(/^(Command timed out|None of startup nodes is available)$/);
      expect(Date.now() - started).toBeLessThan(5000);
    });
  }, 60_000);
});

describe('TABA_REDIS_* access settings', () => {
  it('refuses an unreadable or empty password file and half a client certificate', () => {
    const shards = { TABA_REDIS_SHARDS: 'redis://127.0.0.1:1' };
    const empty = join(pki.dir, 'empty');
    writeFileSync(empty, '\n');
    const attempt = (env: Env) => {
      try {
        loadClusterConfig({ ...shards, ...env });
        return 'loaded';
      } catch (error) {
        if (!(error instanceof ConfigError)) throw error;
        return error.message;
      }
    };
    expect(attempt({ TABA_REDIS_PASSWORD_FILE: '/nonexistent' })).toBe(
      'TABA_REDIS_PASSWORD_FILE: cannot read "/nonexistent": ENOENT',
    );
    expect(attempt({ TABA_REDIS_SENTINEL_PASSWORD_FILE: empty })).toBe(
      'TABA_REDIS_SENTINEL_PASSWORD_FILE: names an empty file',
    );
    expect(attempt({ TABA_REDIS_TLS_CERT_FILE: pki.client.certFile })).toBe(
      'TABA_REDIS_TLS_KEY_FILE: must be set with TABA_REDIS_TLS_CERT_FILE',
    );
  });
});

describe('a service given Redis passwords', () => {
  const server = useRedisServer({ password: PASSWORD });

  it('never writes a password to its log or its status, from a URL or a file', async () => {
    const inUrl = 'url-secret-1234';
    const aggregator = await startServiceProcess({
      service: 'aggregator',
      env: {
        // A wrong password in the URL: every connection attempt fails and is logged.
        TABA_REDIS_SHARDS: server().url.replace('redis://', `redis://taba:${inUrl}@`),
        TABA_LOG_LEVEL: 'debug',
      },
    });
    const filed = await startServiceProcess({
      service: 'aggregator',
      env: {
        TABA_REDIS_SHARDS: server().url,
        TABA_REDIS_PASSWORD_FILE: passwordFile,
        TABA_LOG_LEVEL: 'debug',
      },
    });
    try {
      await pollUntil(
        () => aggregator.logLines().find(line => line.msg === 'redis connection error'),
        { what: 'a logged connection error', timeoutMs: 10_000 },
      );
      for (const child of [aggregator, filed]) {
        const client = connectAggregator(child.address);
        try {
          const status = await unary<InstanceStatus__Output>(callback =>
            client.getStatus({}, { deadline: deadlineIn(5000) }, callback),
          );
          const text = `${JSON.stringify(status)}${child.stdout()}${child.stderr()}`;
          expect(text).not.toContain(inUrl);
          expect(text).not.toContain(PASSWORD);
          expect(text).toContain(`127.0.0.1:${server().port}`);
          // The one with the password file is logged in; the other one is refused.
          expect(status.details['redis.shard.0']).toMatch(
            child === filed ? / ready ping / : /WRONGPASS/,
          );
        } finally {
          client.close();
        }
      }
      expect(aggregator.stdout()).toContain('redis://taba:***@127.0.0.1');
    } finally {
      await Promise.all([aggregator.stop(), filed.stop()]);
    }
  });
});
