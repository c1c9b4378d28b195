/**
 * The grammar of TABA_REDIS_SHARDS: a list of Redis targets, each one URL.
 *
 * - `redis://[user:pass@]host:port[/db]` or `rediss://…`: one plain Redis server is one shard.
 * - `redis+sentinel://host:port,host:port,…/<masterName>[?db=N&username=…&password=…&sentinelUsername=…&sentinelPassword=…]`:
 *   one Sentinel-managed master set is one shard (the hosts are the Sentinels).
 * - `redis+cluster://host:port,host:port,…[?username=…&password=…]`: a Redis Cluster is the
 *   whole backend; it spreads keys itself, so it must be the only entry.
 * - `rediss+sentinel://…` and `rediss+cluster://…`: the same over TLS (Sentinels and data
 *   nodes alike), as `rediss://` is `redis://` over TLS.
 *
 * Credentials may instead come from TABA_REDIS_USERNAME, TABA_REDIS_PASSWORD_FILE, … (see
 * redis-access.ts); what a URL says wins.
 *
 * List items are separated by `;`, by whitespace, or by a comma that is followed by the next
 * item's scheme (`,redis://`, `,redis+sentinel://`, …). A comma followed by anything else
 * stays inside the URL: that is how several Sentinels or cluster nodes are named.
 */
import { ConfigError } from '../config/env-readers.js';

export const REDIS_SHARDS_VARIABLE = 'TABA_REDIS_SHARDS';

export interface RedisAddress {
  readonly host: string;
  readonly port: number;
}

/** One plain Redis server; `url` is kept as written (ioredis parses it, and it names the shard). */
export interface PlainRedisTarget {
  readonly kind: 'plain';
  readonly url: string;
}

/** One master set watched by Sentinels; clients ask the Sentinels where the master is. */
export interface SentinelRedisTarget {
  readonly kind: 'sentinel';
  readonly sentinels: readonly RedisAddress[];
  /** The master set name (`sentinel monitor <name> …`). */
  readonly name: string;
  readonly db?: number;
  /** TLS to the Sentinels and the data nodes (`rediss+sentinel://`). */
  readonly tls: boolean;
  /** ACL user of the data nodes. */
  readonly username?: string;
  /** Password of the data nodes. */
  readonly password?: string;
  /** ACL user of the Sentinels. */
  readonly sentinelUsername?: string;
  /** Password of the Sentinels, when they have one (`requirepass` on the Sentinels). */
  readonly sentinelPassword?: string;
}

/** A Redis Cluster; the nodes are only seeds, the client learns the rest from them. */
export interface ClusterRedisTarget {
  readonly kind: 'cluster';
  readonly nodes: readonly RedisAddress[];
  /** TLS to every node (`rediss+cluster://`). */
  readonly tls: boolean;
  readonly username?: string;
  readonly password?: string;
}

export type RedisTarget = PlainRedisTarget | SentinelRedisTarget | ClusterRedisTarget;

const DEFAULT_REDIS_PORT = 6379;
const DEFAULT_SENTINEL_PORT = 26379;

/** `scheme://` at the start of a list item; what tells a new item from a comma inside a URL. */
const SCHEME_START = /^[a-z][a-z0-9+.-]*:\/\//i;
/** Separators: `;`, whitespace, or a comma before the next item's scheme. */
const ITEM_SEPARATOR = /\s*;\s*|\s*,\s*(?=[a-z][a-z0-9+.-]*:\/\/)|\s+/i;
/** A hostname, IPv4 address or bracketed IPv6 address, with an optional port. */
const HOST_PORT = /^(\[[0-9a-f:.]+\]|[a-z0-9._-]+)(?::(\d{1,5}))?$/i;

/**
 * Splits a TABA_REDIS_SHARDS value into its URLs (see the module comment for the separators).
 * Empty items and stray commas at the ends of an item are dropped.
 */
export function splitShardList(value: string): string[] {
  return value
    .split(ITEM_SEPARATOR)
    .map(item => item.replace(/^,+|,+$/g, ''))
    .filter(item => item !== '');
}

/** The URL with its passwords replaced by `***`, safe for error messages and logs. */
export function redactRedisUrl(text: string): string {
  return text
    .replace(/(:\/\/[^/?#@]*?:)[^/?#@]*@/, '$1***@')
    .replace(/([?&](?:password|sentinelPassword)=)[^&#]*/gi, '$1***');
}

const SCHEMES =
  'redis://, rediss://, redis+sentinel://, rediss+sentinel://, redis+cluster:// or rediss+cluster://';

/** Parses one target URL; `variable` names the setting in errors. */
export function parseRedisTarget(input: string, variable = REDIS_SHARDS_VARIABLE): RedisTarget {
  const text = input.trim();
  const fail = (problem: string): never => {
    throw new ConfigError(variable, `"${redactRedisUrl(text)}" ${problem}`);
  };
  const scheme = SCHEME_START.exec(text)?.[0].slice(0, -3).toLowerCase();
  switch (scheme) {
    case 'redis':
    case 'rediss':
      return parsePlain(text, fail);
    case 'redis+sentinel':
    case 'rediss+sentinel':
      return parseSentinel(text, scheme === 'rediss+sentinel', fail);
    case 'redis+cluster':
    case 'rediss+cluster':
      return parseCluster(text, scheme === 'rediss+cluster', fail);
    case undefined:
      return fail(
        `does not start with ${SCHEMES} ` +
          '(hosts inside one URL are separated by "," with no spaces)',
      );
    default:
      return fail(`has the unsupported scheme ${scheme}://; use ${SCHEMES}`);
  }
}

/**
 * Parses a whole TABA_REDIS_SHARDS value: at least one target, a cluster only on its own,
 * and no shard named twice.
 */
export function parseRedisTargets(variable: string, value: string): RedisTarget[] {
  const items = splitShardList(value);
  if (items.length === 0) throw new ConfigError(variable, 'needs at least one Redis URL');
  const targets = items.map(item => parseRedisTarget(item, variable));
  if (targets.length > 1 && targets.some(target => target.kind === 'cluster')) {
    throw new ConfigError(
      variable,
      'a redis+cluster:// URL must be the only entry: the cluster spreads the keys over its nodes itself',
    );
  }
  const seen = new Set<string>();
  for (const target of targets) {
    const identity = shardIdentity(target);
    if (seen.has(identity)) {
      throw new ConfigError(variable, `names the shard ${identity} twice`);
    }
    seen.add(identity);
  }
  return targets;
}

/**
 * What names a shard on the partition ring. A plain URL names itself, exactly as before
 * Sentinel support, so existing placements stay put. A Sentinel shard is named by its master
 * set and db, not by its Sentinels nor by TLS or credentials: adding, replacing or reordering
 * Sentinels, or turning TLS on, moves nothing.
 */
export function shardIdentity(target: RedisTarget): string {
  switch (target.kind) {
    case 'plain':
      return target.url;
    case 'sentinel':
      return `redis+sentinel:///${encodeURIComponent(target.name)}${target.db ? `?db=${target.db}` : ''}`;
    case 'cluster':
      return 'redis+cluster://';
  }
}

/** A description for logs: the kind and the addresses, never a password. */
export function describeRedisTarget(target: RedisTarget): string {
  const list = (addresses: readonly RedisAddress[]) =>
    addresses.map(({ host, port }) => formatAddress(host, port)).join(',');
  switch (target.kind) {
    case 'plain':
      return redactRedisUrl(target.url);
    case 'sentinel':
      return `${target.tls ? 'rediss' : 'redis'}+sentinel://${list(target.sentinels)}/${encodeURIComponent(target.name)}${target.db ? `?db=${target.db}` : ''}`;
    case 'cluster':
      return `${target.tls ? 'rediss' : 'redis'}+cluster://${list(target.nodes)}`;
  }
}

type Fail = (problem: string) => never;

interface UrlParts {
  readonly authority: string;
  /** Everything from the first `/` up to `?`, or '' */
  readonly path: string;
  readonly query: URLSearchParams;
}

function splitUrl(text: string, fail: Fail): UrlParts {
  const match = /^[^:]+:\/\/([^/?#]*)([^?#]*)(?:\?([^#]*))?(#.*)?$/.exec(text);
  if (!match) return fail('is not a URL');
  if (match[4] !== undefined) fail('must not have a #fragment');
  return {
    authority: match[1] ?? '',
    path: match[2] ?? '',
    query: new URLSearchParams(match[3] ?? ''),
  };
}

function formatAddress(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

function parseAddresses(authority: string, defaultPort: number, fail: Fail): RedisAddress[] {
  if (authority.includes('@')) {
    fail('must not have user:password@ before the hosts; use ?password=… (percent-encoded)');
  }
  if (authority === '') fail('names no host');
  const seen = new Set<string>();
  return authority.split(',').map(item => {
    const match = HOST_PORT.exec(item);
    if (!match?.[1]) {
      return fail(`has "${item}" where host:port was expected (hosts are separated by ",")`);
    }
    const port = match[2] === undefined ? defaultPort : Number(match[2]);
    if (port < 1 || port > 65535) fail(`has port ${port}, outside 1–65535`);
    const host = match[1].replace(/^\[|\]$/g, '');
    const key = formatAddress(host, port);
    if (seen.has(key)) fail(`names ${key} twice`);
    seen.add(key);
    return { host, port };
  });
}

/** The query's values by key; unknown or repeated keys are errors (they are usually typos). */
function readQuery(
  query: URLSearchParams,
  allowed: readonly string[],
  fail: Fail,
): Map<string, string> {
  const values = new Map<string, string>();
  for (const [key, value] of query) {
    if (!allowed.includes(key)) {
      fail(
        allowed.length === 0
          ? `takes no ?${key}= parameter`
          : `has the unknown parameter ?${key}= (known: ${allowed.join(', ')})`,
      );
    }
    if (values.has(key)) fail(`has ?${key}= twice`);
    values.set(key, value);
  }
  return values;
}

function parseDb(text: string, fail: Fail): number {
  if (!/^\d{1,5}$/.test(text)) fail(`has db "${text}"; a db is a small non-negative integer`);
  return Number(text);
}

function parsePlain(text: string, fail: Fail): PlainRedisTarget {
  const { authority, path } = splitUrl(text, fail);
  const hosts = authority.slice(authority.lastIndexOf('@') + 1);
  if (hosts.includes(',')) {
    fail(
      'names several hosts; a redis:// URL is one server (list shards as "redis://a:6379,redis://b:6379", ' +
        'or use redis+sentinel:// or redis+cluster://)',
    );
  }
  if (!HOST_PORT.test(hosts)) fail('needs host[:port] after the scheme');
  if (!URL.canParse(text)) fail('is not a valid URL');
  if (path !== '' && path !== '/') parseDb(path.slice(1), fail);
  return { kind: 'plain', url: text };
}

function parseSentinel(text: string, tls: boolean, fail: Fail): SentinelRedisTarget {
  const { authority, path, query } = splitUrl(text, fail);
  const sentinels = parseAddresses(authority, DEFAULT_SENTINEL_PORT, fail);
  const encodedName = path.slice(1);
  if (path === '' || encodedName === '' || encodedName.includes('/')) {
    fail('needs the master set name as its path: redis+sentinel://host:port,…/<masterName>');
  }
  let name = '';
  try {
    name = decodeURIComponent(encodedName);
  } catch {
    fail(`has a badly percent-encoded master name "${encodedName}"`);
  }
  const values = readQuery(
    query,
    ['db', 'username', 'password', 'sentinelUsername', 'sentinelPassword'],
    fail,
  );
  const db = values.get('db');
  return {
    kind: 'sentinel',
    sentinels,
    name,
    ...(db === undefined ? {} : { db: parseDb(db, fail) }),
    tls,
    ...pick(values, ['username', 'password', 'sentinelUsername', 'sentinelPassword']),
  };
}

/** The entries of `values` named in `keys`, as an object. */
function pick<K extends string>(
  values: Map<string, string>,
  keys: readonly K[],
): Partial<Record<K, string>> {
  const picked: Partial<Record<K, string>> = {};
  for (const key of keys) {
    const value = values.get(key);
    if (value !== undefined) picked[key] = value;
  }
  return picked;
}

function parseCluster(text: string, tls: boolean, fail: Fail): ClusterRedisTarget {
  const { authority, path, query } = splitUrl(text, fail);
  const nodes = parseAddresses(authority, DEFAULT_REDIS_PORT, fail);
  if (path !== '' && path !== '/') {
    fail('must not have a path: a Redis Cluster has only db 0');
  }
  const values = readQuery(query, ['username', 'password'], fail);
  return { kind: 'cluster', nodes, tls, ...pick(values, ['username', 'password']) };
}
