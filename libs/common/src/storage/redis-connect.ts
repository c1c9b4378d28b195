/**
 * One ioredis connection per Redis target (see redis-url.ts): a `Redis` for a plain server or
 * a Sentinel master set, a `Cluster` for a Redis Cluster.
 *
 * Commands issued while a connection is down (start-up, a failover) wait in ioredis's offline
 * queue (`enableOfflineQueue: true`) and go out once it is back. They never wait forever:
 * ioredis 6 arms `commandTimeout` when a command is issued, queued or not, so a queued
 * command fails after `commandTimeoutMs` like any other, and its caller retries (a Cluster's
 * own offline queue and its pipelines are bounded the same way by `boundClusterWaits`).
 */
import type { ClusterOptions, RedisOptions, SentinelConnectionOptions } from 'ioredis';
import { Cluster, Redis, SentinelConnector } from 'ioredis';
import type { RedisAccess } from './redis-access.js';
import { NO_REDIS_ACCESS } from './redis-access.js';
import type {
  ClusterRedisTarget,
  PlainRedisTarget,
  RedisTarget,
  SentinelRedisTarget,
} from './redis-url.js';

export interface RedisConnectOptions {
  /** A command without a reply after this fails with "Command timed out", ms. @default 5000 */
  readonly commandTimeoutMs?: number;
  /** Bound on opening one connection (TCP and handshake), ms. @default 5000 */
  readonly connectTimeoutMs?: number;
  /** Bound on each question to a Sentinel (where is the master?), ms. @default 1000 */
  readonly sentinelCommandTimeoutMs?: number;
  /** Connect on the first command (or `connect()`) instead of at once. @default false */
  readonly lazyConnect?: boolean;
  /** Credentials and TLS options a URL does not give (see redis-access.ts). @default none */
  readonly access?: RedisAccess;
  /**
   * Connection errors. ioredis reconnects by itself; this only reports. A listener is always
   * installed: without one ioredis would print the errors to the console.
   */
  readonly onError?: (error: Error) => void;
}

/** What {@link connectRedis} returns: both run the same commands, scripts and pipelines. */
export type RedisConnection = Redis | Cluster;

const DEFAULT_COMMAND_TIMEOUT_MS = 5000;
const DEFAULT_CONNECT_TIMEOUT_MS = 5000;
const DEFAULT_SENTINEL_COMMAND_TIMEOUT_MS = 1000;
/** Longest pause between reconnection attempts, ms: a returning server is found soon. */
const MAX_RECONNECT_DELAY_MS = 2000;

/**
 * Pause before reconnection attempt `times` (1-based): 50 ms doubling up to 2 s, plus up to
 * 50 ms of jitter so that many clients do not reconnect in step. Never gives up.
 */
export function reconnectDelayMs(times: number): number {
  const backoff = Math.min(50 * 2 ** Math.max(0, times - 1), MAX_RECONNECT_DELAY_MS);
  return backoff + Math.floor(Math.random() * 50);
}

/**
 * Pause after a round over every Sentinel that gave no reachable master (none answered, or
 * the master they named refused the connection); never gives up.
 */
function sentinelRetryDelayMs(times: number): number {
  return Math.min(100 * times, 1000);
}

/**
 * ioredis's SentinelConnector with one fix, for `failoverDetector: true`. ioredis 6 stops a
 * connection's failover detector only when the connection is closed on purpose; after a crash
 * the detector stays subscribed while ioredis looks for the new master. When the Sentinels then
 * announce +switch-master, the stale detector aborts that search, and ioredis gives the client
 * up for good (status "end", every command "Connection is closed."). Stopping the old detector
 * before each attempt avoids that; the new connection gets its own detector once connected.
 */
export class FailoverSafeSentinelConnector extends SentinelConnector {
  /** Whether a connection got as far as starting a detector (on 'connect') since the last stop. */
  private detectorMayRun = false;

  /** ioredis calls `new Connector(options)` with the client's whole RedisOptions. */
  constructor(options: unknown) {
    super(options as SentinelConnectionOptions);
  }

  override async connect(
    eventEmitter: Parameters<SentinelConnector['connect']>[0],
  ): ReturnType<SentinelConnector['connect']> {
    if (this.detectorMayRun) {
      this.detectorMayRun = false;
      // The previous stream is closed already; disconnect() also stops its detector.
      this.disconnect();
    }
    const stream = await super.connect(eventEmitter);
    stream.once('connect', () => {
      this.detectorMayRun = true;
    });
    return stream;
  }
}

/** Options every plain and Sentinel connection gets. */
function commonOptions(options: RedisConnectOptions): RedisOptions {
  return {
    commandTimeout: options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS,
    connectTimeout: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
    retryStrategy: reconnectDelayMs,
    enableOfflineQueue: true,
    maxRetriesPerRequest: 2,
    // A command whose connection dropped before its reply fails instead of being sent again
    // on the next connection, which after a failover is another server: a WAIT re-sent there
    // would count that server's replicas, not the ones that received the write.
    autoResendUnfulfilledCommands: false,
    enableAutoPipelining: false,
    lazyConnect: options.lazyConnect ?? false,
  };
}

/** `username`/`password` options, for those that are set. */
function login(username: string | undefined, password: string | undefined) {
  return {
    ...(username === undefined ? {} : { username }),
    ...(password === undefined ? {} : { password }),
  };
}

function connectPlain(target: PlainRedisTarget, options: RedisConnectOptions): Redis {
  const access = options.access ?? NO_REDIS_ACCESS;
  // ioredis lets the URL's user and password win over these (it only fills in what is unset).
  return new Redis(target.url, {
    ...commonOptions(options),
    ...login(access.username, access.password),
    ...(/^rediss:/i.test(target.url) ? { tls: access.tls } : {}),
  });
}

function connectSentinel(target: SentinelRedisTarget, options: RedisConnectOptions): Redis {
  const access = options.access ?? NO_REDIS_ACCESS;
  const sentinelLogin = login(
    target.sentinelUsername ?? access.sentinelUsername,
    target.sentinelPassword ?? access.sentinelPassword,
  );
  return new Redis({
    ...commonOptions(options),
    sentinels: target.sentinels.map(({ host, port }) => ({ host, port })),
    name: target.name,
    role: 'master',
    Connector: FailoverSafeSentinelConnector,
    // Reconnect as soon as a Sentinel announces +switch-master. Without it ioredis asks the
    // Sentinels again only when its connection breaks, and a demoted master keeps its
    // connections (and takes writes that are then thrown away) for up to ~10 s.
    failoverDetector: true,
    sentinelRetryStrategy: sentinelRetryDelayMs,
    // The detector's own Sentinel connections: back within 2 s of a Sentinel restart instead
    // of ioredis's default minute, so that no Sentinel's +switch-master goes unheard for long.
    sentinelReconnectStrategy: () => 2000,
    sentinelCommandTimeout: options.sentinelCommandTimeoutMs ?? DEFAULT_SENTINEL_COMMAND_TIMEOUT_MS,
    ...(target.db === undefined ? {} : { db: target.db }),
    ...login(target.username ?? access.username, target.password ?? access.password),
    ...(sentinelLogin.username === undefined ? {} : { sentinelUsername: sentinelLogin.username }),
    ...(sentinelLogin.password === undefined ? {} : { sentinelPassword: sentinelLogin.password }),
    // TLS to the Sentinels (sentinelTLS) and to the master they name (tls, which ioredis uses
    // for the master only with enableTLSForSentinelMode).
    ...(target.tls
      ? { tls: access.tls, sentinelTLS: access.tls, enableTLSForSentinelMode: true }
      : {}),
  });
}

function connectCluster(target: ClusterRedisTarget, options: RedisConnectOptions): Cluster {
  const access = options.access ?? NO_REDIS_ACCESS;
  const clusterOptions: ClusterOptions = {
    // Reads from masters only: replicas lag, and the services read what they just wrote.
    scaleReads: 'master',
    // "ready" only once CLUSTER INFO says the cluster serves every slot.
    enableReadyCheck: true,
    enableOfflineQueue: true,
    enableAutoPipelining: false,
    clusterRetryStrategy: reconnectDelayMs,
    lazyConnect: options.lazyConnect ?? false,
    redisOptions: {
      commandTimeout: options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS,
      connectTimeout: options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
      maxRetriesPerRequest: 2,
      autoResendUnfulfilledCommands: false,
      ...login(target.username ?? access.username, target.password ?? access.password),
      ...(target.tls ? { tls: access.tls } : {}),
    },
  };
  const cluster = new Cluster(
    target.nodes.map(({ host, port }) => ({ host, port })),
    clusterOptions,
  );
  boundClusterWaits(cluster, options.commandTimeoutMs ?? DEFAULT_COMMAND_TIMEOUT_MS);
  return cluster;
}

/** What of an ioredis command this module touches: its (idempotent) timeout. */
interface TimedCommand {
  setTimeout(ms: number): void;
}

/**
 * ioredis arms `commandTimeout` only when a command reaches a node. One issued while the Cluster
 * is not ready (its nodes unreachable, or refusing the login) waits in the Cluster's own offline
 * queue, and a pipeline of a Cluster that has no slots yet waits for 'ready': both for ever.
 * Arming the timeout when the command is issued bounds both waits by `commandTimeoutMs`, like a
 * plain connection's queued commands; a node arming it again later changes nothing (ioredis
 * keeps the first timer).
 */
function boundClusterWaits(cluster: Cluster, timeoutMs: number): void {
  const wrapped = cluster as unknown as {
    sendCommand(command: TimedCommand, ...rest: unknown[]): unknown;
    pipeline(...args: unknown[]): {
      sendCommand(command: TimedCommand, ...rest: unknown[]): unknown;
    };
  };
  const sendCommand = wrapped.sendCommand.bind(cluster);
  wrapped.sendCommand = (command, ...rest) => {
    command.setTimeout(timeoutMs);
    return sendCommand(command, ...rest);
  };
  const pipeline = wrapped.pipeline.bind(cluster);
  wrapped.pipeline = (...args) => {
    const created = pipeline(...args);
    const queue = created.sendCommand.bind(created);
    created.sendCommand = (command, ...rest) => {
      command.setTimeout(timeoutMs);
      return queue(command, ...rest);
    };
    return created;
  };
}

/** Commands whose arguments hold a password. */
const COMMANDS_WITH_SECRETS = new Set(['auth', 'hello']);

/**
 * ioredis puts the failed command on its errors, and a refused login is `HELLO 3 AUTH <user>
 * <password>`: its arguments are blanked (in place) before anyone logs the error.
 */
export function withoutSecrets(error: Error): Error {
  const command = (error as { command?: { name?: unknown; args?: unknown } }).command;
  if (command && COMMANDS_WITH_SECRETS.has(String(command.name).toLowerCase())) {
    command.args = ['***'];
  }
  return error;
}

/**
 * Opens the connection a target describes. Plain and Sentinel targets give a `Redis`, a
 * cluster target gives a `Cluster`; either way errors go to `options.onError` only.
 */
export function connectRedis(
  target: PlainRedisTarget | SentinelRedisTarget,
  options?: RedisConnectOptions,
): Redis;
export function connectRedis(target: ClusterRedisTarget, options?: RedisConnectOptions): Cluster;
export function connectRedis(target: RedisTarget, options?: RedisConnectOptions): RedisConnection;
export function connectRedis(
  target: RedisTarget,
  options: RedisConnectOptions = {},
): RedisConnection {
  const report = (error: Error) => options.onError?.(withoutSecrets(error));
  switch (target.kind) {
    case 'plain': {
      const redis = connectPlain(target, options);
      redis.on('error', report);
      return redis;
    }
    case 'sentinel': {
      const redis = connectSentinel(target, options);
      redis.on('error', report);
      return redis;
    }
    case 'cluster': {
      const cluster = connectCluster(target, options);
      cluster.on('error', report);
      // Errors of single nodes; the cluster reroutes around them (MOVED, slot refresh).
      cluster.on('node error', (error: Error) => report(error));
      return cluster;
    }
  }
}
