// The query, post and delete commands against a real gRPC server with fixed answers: the
// exact output (JSON and text), the requests sent, exit codes and one-line errors. They run
// through the CLI's `run` in this process; bin.test.ts checks that the binary prints the same.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FakeGateway } from './fake-gateway.js';
import { startFakeGateway } from './fake-gateway.js';
import { runInProcess } from './taba-cli.js';

let fake: FakeGateway;
beforeAll(async () => {
  fake = await startFakeGateway();
});
afterAll(() => fake.stop());

/** `taba <args> --gateway <fake>`, expecting success and nothing on stderr. */
async function ok(...args: string[]): Promise<string> {
  const result = await runInProcess([...args, '--gateway', fake.address]);
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return result.stdout;
}

const AGGREGATES_JSON = `{
  "requests": {
    "1m": {
      "count": 3,
      "total": 6,
      "average": 2
    },
    "lifetime": {
      "count": 3
    }
  },
  "latency": {
    "1m": {
      "count": 1,
      "total": 12.5,
      "percentiles": {
        "p50": 12.5
      }
    }
  }
}
`;

describe('taba agg', () => {
  it('prints the JSON render of each Tab, pretty, keyed by name', async () => {
    expect(await ok('agg', 'requests', 'latency', '--client', 'web-1,web-2')).toBe(AGGREGATES_JSON);
    expect(fake.requestsOf('GetAggregates', 'web-2')).toEqual([
      {
        filter: { names: ['requests', 'latency'], clients: ['web-1', 'web-2'], regex: false },
        mode: 'JSON',
      },
    ]);
  });

  it('prints `name: body` lines with --text', async () => {
    expect(await ok('agg', '--text', '--client', 'text-1')).toBe(
      'requests: 1m.count=3 1m.total=6 1m.average=2 lifetime.count=3\n' +
        'latency: 1m.count=1 1m.total=12.5 1m.percentiles.p50=12.5\n',
    );
    expect(fake.requestsOf('GetAggregates', 'text-1')).toMatchObject([{ mode: 'TEXT' }]);
  });

  it('asks for DETAIL with --detail and sends patterns with --re', async () => {
    expect(await ok('agg', '^req', '--re', '--detail', '--client', 'detail-.*')).toBe(`{
  "requests": {
    "1m": {
      "count": 3
    },
    "series": {
      "1m": [
        [
          1700000040,
          3,
          6
        ]
      ]
    }
  },
  "latency": {
    "1m": {
      "count": 1
    },
    "series": {
      "1m": [
        [
          1700000040,
          1,
          12.5
        ]
      ]
    }
  }
}
`);
    expect(fake.requestsOf('GetAggregates', 'detail-')).toEqual([
      { filter: { names: ['^req'], clients: ['detail-.*'], regex: true }, mode: 'DETAIL' },
    ]);
  });

  it('fails with exit 1 and the gRPC status and reason on one line', async () => {
    const result = await runInProcess(['agg', '(', '--re', '--gateway', fake.address]);
    expect(result).toMatchObject({ code: 1, stdout: '' });
    expect(result.stderr).toBe(
      `taba: GetAggregates to ${fake.address} failed with INVALID_ARGUMENT (reason INVALID_REGEX): invalid regular expression "(": missing )\n`,
    );
  });
});

describe('taba proj and super', () => {
  it('prints projections as { name: { client: state } }', async () => {
    expect(await ok('proj', 'version')).toBe(`{
  "version": {
    "web-1": {
      "value": "v1",
      "timestamp": 1700000000,
      "expires": 1700172800
    },
    "web-2": {
      "value": "v2",
      "timestamp": 1700000001,
      "expires": 1700172801
    }
  }
}
`);
  });

  it('prints projections as `name client: body` lines with --text', async () => {
    expect(await ok('proj', 'version', '--text')).toBe(
      'version web-1: value=v1 timestamp=1700000000 expires=1700172800\n' +
        'version web-2: value=v2 timestamp=1700000001 expires=1700172801\n',
    );
  });

  it('prints the super aggregate with its type and merged names', async () => {
    expect(await ok('super', '^requests\\.', '--re')).toBe(`{
  "type": "TotalsCounter",
  "names": [
    "requests.api",
    "requests.web"
  ],
  "aggregate": {
    "count": 5,
    "total": 9,
    "average": 1.8
  }
}
`);
    expect(await ok('super', '^requests\\.', '--re', '--text')).toBe(
      'requests.api,requests.web: count=5 total=9 average=1.8\n',
    );
  });
});

describe('taba names, clients, types, status', () => {
  it('lists names and clients as JSON arrays or lines', async () => {
    expect(await ok('names')).toBe('[\n  "latency",\n  "requests"\n]\n');
    expect(await ok('names', '--text', '--client', 'web-1')).toBe('latency\nrequests\n');
    expect(fake.requestsOf('ListNames', 'web-1')).toEqual([
      { filter: { names: [], clients: ['web-1'], regex: false } },
    ]);
    expect(await ok('clients', '--text')).toBe('web-1\nweb-2\n');
    expect(await ok('clients')).toBe('[\n  "web-1",\n  "web-2"\n]\n');
  });

  it('prints types with Taba spellings and histogram bounds', async () => {
    expect(await ok('types')).toBe(`[
  {
    "name": "requests",
    "type": "CounterGroup"
  },
  {
    "name": "sizes",
    "type": "Histogram",
    "bounds": [
      1,
      5,
      10
    ]
  }
]
`);
    expect(await ok('types', '--text')).toBe(
      'requests: CounterGroup\nsizes: Histogram bounds=[1,5,10]\n',
    );
  });

  it('prints the status of each instance', async () => {
    expect(await ok('status')).toBe(`[
  {
    "metrics": {
      "events.applied": 42
    },
    "details": {
      "discovery": "static"
    },
    "service": "gateway",
    "instanceId": "gateway-test-1",
    "address": "127.0.0.1:8301",
    "startedAt": 1700000000.5,
    "version": "0.1.0"
  }
]
`);
    expect(await ok('status', '--text')).toBe(
      'gateway gateway-test-1 127.0.0.1:8301: version=0.1.0 startedAt=2023-11-14T22:13:20.500Z ' +
        'metrics.events.applied=42 details.discovery=static\n',
    );
  });
});

describe('taba post and delete', () => {
  it('posts one event with seq 0 and prints the outcome', async () => {
    const before = Date.now() / 1000;
    expect(await ok('post', 'post-counter', '2.5', '--client', 'web-1')).toBe(
      '{\n  "applied": 1,\n  "rejected": 0,\n  "duplicate": false\n}\n',
    );
    const after = Date.now() / 1000;
    const [batch] = fake.requestsOf('PostEvents', 'post-counter') as Array<{
      clientId: string;
      seq: number;
      sentAt: number;
      tabs: Array<{ timestamps: number[] }>;
    }>;
    expect(batch).toMatchObject({
      clientId: 'web-1',
      seq: 0,
      tabs: [
        {
          name: 'post-counter',
          type: 'COUNTER_GROUP',
          values: [2.5],
          strings: [],
          expiries: [],
          bounds: [],
        },
      ],
    });
    const timestamp = batch?.tabs[0]?.timestamps[0] ?? 0;
    expect(batch?.tabs[0]?.timestamps).toHaveLength(1);
    expect(timestamp).toBeGreaterThanOrEqual(before);
    expect(timestamp).toBeLessThanOrEqual(after);
    expect(batch?.sentAt).toBe(timestamp);
  });

  it('posts strings, expiries and bounds as the type needs', async () => {
    expect(await ok('post', 'post-gauge', 'v1.4.2', '--type', 'Gauge', '--text')).toBe(
      'applied=1 rejected=0 duplicate=false\n',
    );
    await ok('post', 'post-expiry', 'node-a', '--type', 'ExpiryGauge', '--expiry', '60');
    await ok('post', 'post-histogram', '7', '--type', 'HISTOGRAM', '--bounds', '1,5,10');
    await ok('post', 'post-unique', '42', '--type', 'Unique', '--string');
    await ok('post', 'post-negative', '-3.5', '--type', 'TotalsCounter');

    expect(fake.requestsOf('PostEvents', 'post-gauge')).toMatchObject([
      { clientId: 'taba-cli', tabs: [{ type: 'GAUGE', values: [], strings: ['v1.4.2'] }] },
    ]);
    const [expiring] = fake.requestsOf('PostEvents', 'post-expiry') as Array<{
      tabs: Array<{ type: string; strings: string[]; timestamps: number[]; expiries: number[] }>;
    }>;
    const column = expiring?.tabs[0];
    expect(column).toMatchObject({ type: 'EXPIRY_GAUGE', strings: ['node-a'] });
    expect(column?.expiries[0]).toBe((column?.timestamps[0] ?? 0) + 60);
    expect(fake.requestsOf('PostEvents', 'post-histogram')).toMatchObject([
      { tabs: [{ type: 'HISTOGRAM', values: [7], bounds: [1, 5, 10] }] },
    ]);
    expect(fake.requestsOf('PostEvents', 'post-negative')).toMatchObject([
      { tabs: [{ type: 'TOTALS_COUNTER', values: [-3.5], strings: [] }] },
    ]);
    expect(fake.requestsOf('PostEvents', 'post-unique')).toMatchObject([
      { tabs: [{ type: 'UNIQUE', values: [], strings: ['42'] }] },
    ]);
  });

  it('exits 1 with the rejection on one line when the event is refused', async () => {
    const result = await runInProcess(['post', 'too-late', '1', '--gateway', fake.address]);
    expect(result).toEqual({
      code: 1,
      signal: null,
      stdout: '',
      stderr: 'taba: the event was rejected: LATE: timestamp is 90000s old; the limit is 86400s\n',
    });
  });

  it('deletes and prints what was deleted', async () => {
    expect(await ok('delete', 'old-1', 'old-2')).toBe('[\n  "old-1",\n  "old-2"\n]\n');
    expect(await ok('delete', '^old-', '--re', '--text')).toBe('^old-\n');
    expect(fake.requestsOf('DeleteTabs', '^old-')).toEqual([
      { filter: { names: ['^old-'], clients: [], regex: true } },
    ]);
  });
});

describe('usage', () => {
  const usageErrors: ReadonlyArray<readonly [args: readonly string[], message: string]> = [
    [[], "missing command; try 'taba --help'"],
    [['agg', '--bogus'], "unknown option '--bogus'"],
    [['stat'], "unknown command 'stat' (Did you mean status?)"],
    [['post', 'only-name'], "missing required argument 'VALUE'"],
    [['delete'], "missing required argument 'NAME'"],
    [['agg', '--text', '--detail'], "option '--detail' cannot be used with option '--text'"],
    [['agg', '--text', '--json'], "option '--text' cannot be used with option '--json'"],
    [
      ['status', '--gateway', 'nowhere'],
      '--gateway must be host:port (e.g. 127.0.0.1:8301), got "nowhere"',
    ],
    [
      ['status', '--timeout', 'soon'],
      '--timeout must be a whole number of milliseconds, got "soon"',
    ],
    [
      ['agg', 'bad name'],
      'name "bad name" has the disallowed character " " (allowed: letters, digits and . _ ~ : / ? @ ! $ ( ) * + ; = -)',
    ],
    [
      ['names', '--client', 'a,,b'],
      '--client must be a comma-separated list without empty items, got "a,,b"',
    ],
    [['post', 'n', 'abc'], 'VALUE must be a finite number for CounterGroup, got "abc"'],
    [
      ['post', 'n', '1', '--type', 'Nope'],
      '--type: unknown type "Nope"; known types are CounterGroup, PercentileGroup, TotalsCounter, Gauge, ExpiryGauge, Buffer, Unique, Histogram',
    ],
    [['post', 'n', 'x', '--type', 'Buffer'], 'Buffer needs --expiry SECONDS'],
    [
      ['post', 'n', '1', '--expiry', '60'],
      'CounterGroup takes no --expiry (only ExpiryGauge and Buffer do)',
    ],
    [['post', 'n', '1', '--type', 'Histogram'], 'Histogram needs --bounds, e.g. --bounds 1,5,10'],
    [['post', 'n', '1', '--bounds', '1,x', '--type', 'Histogram'], '--bounds: "x" is not a number'],
    [
      ['post', 'n', '1', '--type', 'Gauge', '--expiry', '-5'],
      '--expiry must be a positive number of seconds, got "-5"',
    ],
    [['up', '--redis-port', '99999'], '--redis-port must be a port from 1 to 65535, got "99999"'],
    [
      ['status', '--token', 'a b'],
      '--token must be a token of printable characters without spaces',
    ],
  ];

  it.each(usageErrors)('taba %j exits 2 with one line', async (args, message) => {
    const result = await runInProcess(args);
    expect(result).toEqual({ code: 2, signal: null, stdout: '', stderr: `taba: ${message}\n` });
    expect(fake.calls.filter(call => JSON.stringify(call.request).includes('only-name'))).toEqual(
      [],
    );
  });

  it('prints help for the program and for each command, exit 0', async () => {
    const top = await runInProcess(['--help']);
    expect(top.code).toBe(0);
    for (const command of [
      'up',
      'agg',
      'proj',
      'super',
      'names',
      'clients',
      'types',
      'status',
      'post',
      'delete',
    ]) {
      expect(top.stdout).toContain(`  ${command} `);
      const help = await runInProcess([command, '--help']);
      expect(help.code).toBe(0);
      expect(help.stdout).toMatch(new RegExp(`^Usage: taba ${command} `));
      expect(help.stdout).toContain('Example');
    }
    expect((await runInProcess(['--version'])).stdout).toBe('0.1.0\n');
  });

  it('shows where --token comes from in help, never the token itself', async () => {
    const help = await runInProcess(['status', '--help'], { TABA_TOKEN: 'secret-value-1' });
    expect(help.stdout).toContain('--token <token>');
    expect(help.stdout).toContain('(default: $TABA_TOKEN)');
    expect(help.stdout).not.toContain('secret-value-1');
  });

  it('reads the default gateway from TABA_GATEWAY', async () => {
    const result = await runInProcess(['names', '--text'], { TABA_GATEWAY: fake.address });
    expect(result).toMatchObject({ code: 0, stdout: 'latency\nrequests\n', stderr: '' });
  });
});
