import { describe, expect, it } from 'vitest';
import { ConfigError } from '../config/env-readers.js';
import {
  describeRedisTarget,
  parseRedisTarget,
  parseRedisTargets,
  redactRedisUrl,
  shardIdentity,
  splitShardList,
} from './redis-url.js';

const VARIABLE = 'TABA_REDIS_SHARDS';

/** The ConfigError `run` throws (fails the test when it throws nothing or something else). */
function configError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('splitShardList', () => {
  it('splits plain URLs on commas, as TABA_REDIS_SHARDS always did', () => {
    expect(splitShardList('redis://a:6379,redis://b:6379/2')).toEqual([
      'redis://a:6379',
      'redis://b:6379/2',
    ]);
  });

  it('keeps the commas between the hosts of a Sentinel or cluster URL', () => {
    expect(
      splitShardList(
        'redis+sentinel://s1:26379,s2:26379,s3:26379/shard-a,redis+sentinel://s1:26379,s2:26379/shard-b,redis://c:6379',
      ),
    ).toEqual([
      'redis+sentinel://s1:26379,s2:26379,s3:26379/shard-a',
      'redis+sentinel://s1:26379,s2:26379/shard-b',
      'redis://c:6379',
    ]);
    expect(splitShardList('redis+cluster://n1:7000,n2:7001,n3:7002')).toEqual([
      'redis+cluster://n1:7000,n2:7001,n3:7002',
    ]);
  });

  it('also splits on semicolons and whitespace, and drops empty items', () => {
    expect(
      splitShardList(' redis://a:1 ; redis+sentinel://s:1,t:2/m\n redis://b:2, , redis://c:3,'),
    ).toEqual(['redis://a:1', 'redis+sentinel://s:1,t:2/m', 'redis://b:2', 'redis://c:3']);
    expect(splitShardList('  ;  ')).toEqual([]);
  });

  it('splits before any scheme, so that a misspelt one is reported, not swallowed', () => {
    expect(splitShardList('redis://a:1,redis+sentinal://s:1/m')).toEqual([
      'redis://a:1',
      'redis+sentinal://s:1/m',
    ]);
  });
});

describe('parseRedisTarget', () => {
  it('keeps a plain URL as written', () => {
    expect(parseRedisTarget('redis://127.0.0.1:6379')).toEqual({
      kind: 'plain',
      url: 'redis://127.0.0.1:6379',
    });
    expect(parseRedisTarget('rediss://:secret@cache.example:6380/3')).toEqual({
      kind: 'plain',
      url: 'rediss://:secret@cache.example:6380/3',
    });
    expect(parseRedisTarget('redis://[::1]:6379/')).toEqual({
      kind: 'plain',
      url: 'redis://[::1]:6379/',
    });
  });

  it('reads the Sentinels, the master set name and the options of a Sentinel URL', () => {
    expect(
      parseRedisTarget(
        'redis+sentinel://10.0.0.1:26379,10.0.0.2:26380,sentinel-3/shard%201?db=2&password=p%40ss&sentinelPassword=s',
      ),
    ).toEqual({
      kind: 'sentinel',
      sentinels: [
        { host: '10.0.0.1', port: 26379 },
        { host: '10.0.0.2', port: 26380 },
        { host: 'sentinel-3', port: 26379 },
      ],
      name: 'shard 1',
      db: 2,
      tls: false,
      password: 'p@ss',
      sentinelPassword: 's',
    });
    expect(parseRedisTarget('redis+sentinel://[::1]:26379/m')).toEqual({
      kind: 'sentinel',
      sentinels: [{ host: '::1', port: 26379 }],
      name: 'm',
      tls: false,
    });
  });

  it('reads TLS from rediss+sentinel:// and ACL users of the data nodes and the Sentinels', () => {
    expect(
      parseRedisTarget(
        'rediss+sentinel://s1:26379/m?username=taba&password=p&sentinelUsername=watch&sentinelPassword=q',
      ),
    ).toEqual({
      kind: 'sentinel',
      sentinels: [{ host: 's1', port: 26379 }],
      name: 'm',
      tls: true,
      username: 'taba',
      password: 'p',
      sentinelUsername: 'watch',
      sentinelPassword: 'q',
    });
    expect(parseRedisTarget('rediss+cluster://n1:7000?username=taba&password=x')).toEqual({
      kind: 'cluster',
      nodes: [{ host: 'n1', port: 7000 }],
      tls: true,
      username: 'taba',
      password: 'x',
    });
  });

  it('reads the seed nodes and password of a cluster URL', () => {
    expect(parseRedisTarget('REDIS+CLUSTER://n1:7000,n2,n3:7002/?password=x')).toEqual({
      kind: 'cluster',
      nodes: [
        { host: 'n1', port: 7000 },
        { host: 'n2', port: 6379 },
        { host: 'n3', port: 7002 },
      ],
      tls: false,
      password: 'x',
    });
  });

  it.each([
    ['', /does not start with redis:\/\//],
    ['127.0.0.1:6379', /does not start with redis:\/\//],
    ['http://a:1', /unsupported scheme http:\/\//],
    ['redis://a:1,b:2', /names several hosts/],
    ['redis://a:1/x', /has db "x"/],
    ['redis://a:99999', /not a valid URL|host\[:port\]/],
    ['redis+sentinel://s1:26379,s2:26379', /needs the master set name/],
    ['redis+sentinel://s1:26379/', /needs the master set name/],
    ['redis+sentinel://s1:26379/a/b', /needs the master set name/],
    ['redis+sentinel://s1:26379,,s2:26379/m', /has "" where host:port was expected/],
    ['redis+sentinel://s1:26379, s2:26379/m', /has " s2:26379" where host:port/],
    ['redis+sentinel://s1:0/m', /port 0, outside 1–65535/],
    ['redis+sentinel://s1:1,s1:1/m', /names s1:1 twice/],
    ['redis+sentinel://:pw@s1:1/m', /use \?password=/],
    [
      'redis+sentinel://s1:1/m?pasword=x',
      /unknown parameter \?pasword= \(known: db, username, password/,
    ],
    ['redis+sentinel://s1:1/m?db=1&db=2', /\?db= twice/],
    ['redis+sentinel://s1:1/m?db=-1', /has db "-1"/],
    ['redis+sentinel://s1:1/m#frag', /#fragment/],
    ['redis+cluster://n1:7000/0', /only db 0/],
    ['redis+cluster://n1:7000?db=1', /unknown parameter \?db=/],
    ['redis+cluster://', /names no host/],
  ])('rejects %j', (text, message) => {
    const error = configError(() => parseRedisTarget(text, VARIABLE));
    expect(error.variable).toBe(VARIABLE);
    expect(error.message).toMatch(/^TABA_REDIS_SHARDS: /);
    expect(error.message).toMatch(message);
  });

  it('never quotes a password in an error', () => {
    const error = configError(() =>
      parseRedisTarget('redis+sentinel://s:1/m?password=hunter2&sentinelPassword=hunter3&x=1'),
    );
    expect(error.message).not.toMatch(/hunter/);
  });
});

describe('parseRedisTargets', () => {
  it('parses a mixed list of plain and Sentinel shards', () => {
    const targets = parseRedisTargets(
      VARIABLE,
      'redis://a:6379,redis+sentinel://s1:26379,s2:26379,s3:26379/shard-b',
    );
    expect(targets.map(target => target.kind)).toEqual(['plain', 'sentinel']);
  });

  it('takes a cluster only on its own', () => {
    expect(parseRedisTargets(VARIABLE, 'redis+cluster://n1:7000,n2:7001')).toHaveLength(1);
    expect(
      configError(() => parseRedisTargets(VARIABLE, 'redis+cluster://n1:7000;redis://a:6379'))
        .message,
    ).toMatch(/must be the only entry/);
  });

  it('needs at least one target and no shard twice', () => {
    expect(configError(() => parseRedisTargets(VARIABLE, ' , ')).message).toMatch(
      /at least one Redis URL/,
    );
    expect(
      configError(() =>
        parseRedisTargets(VARIABLE, 'redis+sentinel://s1:1/m;redis+sentinel://s2:2,s3:3/m'),
      ).message,
    ).toMatch(/names the shard redis\+sentinel:\/\/\/m twice/);
    expect(
      configError(() => parseRedisTargets(VARIABLE, 'redis://a:1,redis://a:1')).message,
    ).toMatch(/twice/);
  });
});

describe('shardIdentity', () => {
  it('names a plain shard by its URL, unchanged, so existing placements stay put', () => {
    expect(shardIdentity(parseRedisTarget('redis://a:6379/1'))).toBe('redis://a:6379/1');
  });

  it('names a Sentinel shard by master set and db, whatever the Sentinels', () => {
    const one = parseRedisTarget('redis+sentinel://s1:1,s2:2/shard-a?db=3&password=x');
    const other = parseRedisTarget('redis+sentinel://s9:9/shard-a?db=3');
    expect(shardIdentity(one)).toBe('redis+sentinel:///shard-a?db=3');
    expect(shardIdentity(other)).toBe(shardIdentity(one));
    expect(shardIdentity(parseRedisTarget('redis+sentinel://s1:1/shard-a?db=0'))).toBe(
      'redis+sentinel:///shard-a',
    );
  });
});

describe('describeRedisTarget and redactRedisUrl', () => {
  it('show the addresses and never a password', () => {
    expect(
      describeRedisTarget(parseRedisTarget('redis+sentinel://s1:1,[::1]:2/m?password=x')),
    ).toBe('redis+sentinel://s1:1,[::1]:2/m');
    expect(describeRedisTarget(parseRedisTarget('redis+cluster://n1:7000?password=x'))).toBe(
      'redis+cluster://n1:7000',
    );
    expect(describeRedisTarget(parseRedisTarget('redis://user:secret@a:6379/1'))).toBe(
      'redis://user:***@a:6379/1',
    );
    expect(describeRedisTarget(parseRedisTarget('rediss+cluster://n1:7000?password=x'))).toBe(
      'rediss+cluster://n1:7000',
    );
    expect(
      describeRedisTarget(parseRedisTarget('rediss+sentinel://s:1/m?sentinelPassword=x')),
    ).toBe('rediss+sentinel://s:1/m');
    expect(redactRedisUrl('redis://:secret@a:6379')).toBe('redis://:***@a:6379');
    expect(redactRedisUrl('redis+cluster://n:1?password=a&sentinelPassword=b')).toBe(
      'redis+cluster://n:1?password=***&sentinelPassword=***',
    );
  });
});
