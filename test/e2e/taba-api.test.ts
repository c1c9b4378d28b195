// Taba's own HTTP API through the whole stack as child processes (TABA_AUTH=required): requests
// shaped exactly as TellApart's Java client (ISO-8859-1 body, Content-Type application/json,
// PercentileCounter, token in the URL), its Python agent (zlib body on /post_zip, several
// clients; also run as real Python, standard library only) and a script written for Taba's API
// send them, answered with Taba's text and JSON shapes; /delete needs admin whatever its method;
// compressed bodies are decoded and a zip bomb is refused fast and counted.
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { deflateSync, gzipSync } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { useGatewayStack } from '../support/gateway-stack.js';
import { pollUntil } from '../support/poll.js';
import { writeTokensFile } from '../support/tokens-file.js';

const NOW = Math.floor(Date.now() / 1000);
const TOKENS = { agent: 'agent-token-taba-api', reader: 'reader-token-taba', admin: 'admin-tkn' };
const tokensFile = writeTokensFile('taba-api-e2e-', [
  { name: 'agent', token: TOKENS.agent, scopes: ['write:*', 'read'] },
  { name: 'reader', token: TOKENS.reader, scopes: ['read'] },
  { name: 'admin', token: TOKENS.admin, scopes: ['admin'] },
]);
afterAll(() => tokensFile.remove());

const { stack } = useGatewayStack({
  redisShards: 1,
  env: {
    TABA_AUTH: 'required',
    TABA_AUTH_TOKENS_FILE: tokensFile.path,
    TABA_INTERNAL_TOKEN: 'taba-api-internal-token-0123456789',
  },
});

interface Answer {
  readonly status: number;
  readonly type: string | null;
  readonly text: string;
}

async function call(
  method: string,
  path: string,
  init: { headers?: Record<string, string>; body?: Buffer | string } = {},
): Promise<Answer> {
  const response = await fetch(`${stack().restUrl}${path}`, {
    method,
    signal: AbortSignal.timeout(10_000),
    ...init,
  });
  return {
    status: response.status,
    type: response.headers.get('content-type'),
    text: await response.text(),
  };
}

const asReader = (path: string) => `${path}${path.includes('?') ? '&' : '?'}token=${TOKENS.reader}`;
const JSON_ACCEPT = { accept: 'application/json' };

function refusal(answer: Answer): unknown {
  return { status: answer.status, ...(JSON.parse(answer.text) as object) };
}

/** A CounterGroup of `count` events of value `value` in Taba's render (every window live). */
function counterGroup(count: number, value: number) {
  const window = { count, total: count * value, average: value };
  return {
    '1m': window,
    '10m': window,
    '1h': window,
    '1d': window,
    pct: { count, total: count * value, pct: [value, value, value, value, value, value, value] },
  };
}

/** Waits until `/tabs` (JSON) answers `expected` for `names`. */
async function tabsBecome(names: string, expected: unknown): Promise<void> {
  await pollUntil(
    async () => {
      const read = await call('GET', asReader(`/tabs?name=${names}`), { headers: JSON_ACCEPT });
      return read.status === 200 &&
        JSON.stringify(JSON.parse(read.text)) === JSON.stringify(expected)
        ? true
        : undefined;
    },
    { what: `/tabs?name=${names}`, timeoutMs: 15_000 },
  );
}

// As TellApart's Java client writes it: Jackson's compact arrays, whole-second timestamps,
// `Content-Type: application/json`, ISO-8859-1 bytes without a charset.
const JAVA_BODY = Buffer.from(
  [
    '1',
    '',
    'java-web-1',
    '',
    'java.latency',
    `["PercentileCounter",${NOW},"7"]`,
    `["PercentileCounter",${NOW},"7"]`,
    '',
    'java.mode',
    `["Gauge",${NOW},"\\"grün\\""]`,
    '',
    'java.other',
    `["CommonPrefixCounterGroup",${NOW},"[\\"a\\", 1]"]`,
    '',
    '',
    '',
  ].join('\n'),
  'latin1',
);

// As Taba's agent sends it: Python's json.dumps spacing, float timestamps, two clients, the
// whole body zlib-compressed (zlib.compress) to /post_zip, no Content-Type.
const AGENT_BODY = [
  '1',
  '',
  'py-1',
  '',
  'py.count',
  `["CounterGroup", ${NOW + 0.5}, "4"]`,
  `["CounterGroup", ${NOW + 0.5}, "4"]`,
  '',
  'py.buffer',
  `["Buffer", ${NOW}, "[\\"job-7\\", ${NOW + 3600}]"]`,
  '',
  '',
  'py-2',
  '',
  'py.count',
  `["CounterGroup", ${NOW}, "4"]`,
  '',
  'py.totals',
  `["TotalsCounter", ${NOW}, "2.5"]`,
  '',
  'py.pct',
  `["PercentileGroup", ${NOW}, "9"]`,
  '',
  '',
  '',
].join('\n');

describe("Taba's HTTP API", () => {
  it("takes the Java client's /post: PercentileCounter folds, an unknown type is rejected alone", async () => {
    const posted = await call('POST', `/post?token=${TOKENS.agent}`, {
      headers: { 'content-type': 'application/json' },
      body: JAVA_BODY,
    });
    expect(posted.status).toBe(200);
    expect(JSON.parse(posted.text)).toEqual({
      applied: 3,
      rejectedCount: 1,
      rejected: [
        {
          client: 'java-web-1',
          line: 13,
          code: 'MALFORMED',
          reason:
            'unknown type "CommonPrefixCounterGroup"; known types are CounterGroup, PercentileGroup, TotalsCounter, Gauge, ExpiryGauge, Buffer, Unique, Histogram and Taba\'s other spellings (docs/taba-compatibility.md)',
        },
      ],
    });
    await tabsBecome('java.latency,java.mode', {
      'java.latency': counterGroup(2, 7),
      'java.mode': { grün: 1 },
    });
  });

  it("takes the agent's zlib /post_zip, and answers a Taba script in text and JSON", async () => {
    const posted = await call('POST', `/post_zip?token=${TOKENS.agent}`, {
      body: deflateSync(Buffer.from(AGENT_BODY, 'utf8')),
    });
    expect({ status: posted.status, body: JSON.parse(posted.text) }).toEqual({
      status: 200,
      body: { applied: 6, rejectedCount: 0, rejected: [] },
    });
    await tabsBecome('py.count,py.totals', {
      'py.count': counterGroup(3, 4),
      'py.totals': { count: 1, total: 2.5, average: 2.5 },
    });

    // Text is Taba's default: one `name: <render>` line per Tab, by name.
    const text = await call('GET', asReader('/tabs?name=py%5C.(count|totals|buffer)&re=1'));
    expect(text).toEqual({
      status: 200,
      type: 'text/plain; charset=utf-8',
      text: [
        `py.buffer: [["job-7",${NOW}]]`,
        `py.count: ${JSON.stringify(counterGroup(3, 4))}`,
        'py.totals: {"count":1,"total":2.5,"average":2.5}',
        '',
      ].join('\n'),
    });
    // `re` is Python's re.match: anchored at the start, so `count` selects nothing.
    expect(await call('GET', asReader('/names?name=count&re=1'))).toMatchObject({ text: '\n' });
    const pct = await call('GET', asReader('/tabs?name=py.pct'), { headers: JSON_ACCEPT });
    const nine = { count: 1, total: 9, pct: [9, 9, 9, 9, 9, 9, 9] };
    expect(JSON.parse(pct.text)).toEqual({
      'py.pct': { '1m': nine, '10m': nine, '1h': nine, '1d': nine },
    });

    expect(await call('GET', asReader('/projection?name=py.count&client=py-1,py-2'))).toEqual({
      status: 200,
      type: 'text/plain; charset=utf-8',
      text: `(py-1, py.count): ${JSON.stringify(counterGroup(2, 4))}\n(py-2, py.count): ${JSON.stringify(counterGroup(1, 4))}\n`,
    });
    const projection = await call('GET', asReader('/projection?name=java.mode'), {
      headers: JSON_ACCEPT,
    });
    expect(JSON.parse(projection.text)).toEqual({ 'java.mode': { 'java-web-1': { grün: 1 } } });
    expect(await call('GET', asReader('/supertabs?name=py.count&client=py-1'))).toEqual({
      status: 200,
      type: 'text/plain; charset=utf-8',
      text: `${JSON.stringify(counterGroup(2, 4))}\n`,
    });
    // Tabs of several types do not merge, in Taba as here.
    expect(
      refusal(await call('GET', asReader('/supertabs?name=py%5C.(count|pct)&re'))),
    ).toMatchObject({ status: 409, error: { reason: 'MIXED_TYPES' } });
    expect((await call('GET', asReader('/names?client=py-2'))).text).toBe(
      'py.count\npy.pct\npy.totals\n',
    );
    const clients = await call('GET', asReader('/clients?client=py-&re'), { headers: JSON_ACCEPT });
    expect(JSON.parse(clients.text)).toEqual(['py-1', 'py-2']);
    expect((await call('GET', asReader('/types?name=java.latency,java.mode,py.buffer'))).text).toBe(
      'java.latency: CounterGroup\njava.mode: Gauge\npy.buffer: Buffer\n',
    );
    // Parameters in a JSON body, as Taba's server also read them.
    const posting = await call('POST', asReader('/types'), {
      headers: { ...JSON_ACCEPT, 'content-type': 'application/json' },
      body: '{"name": "py\\\\.t", "re": true}',
    });
    expect(JSON.parse(posting.text)).toEqual({ 'py.totals': 'TotalsCounter' });

    expect(refusal(await call('GET', asReader('/tabs?name=py.count&raw=1')))).toMatchObject({
      status: 400,
      error: { reason: 'RAW_NOT_SUPPORTED' },
    });
    expect(refusal(await call('GET', asReader('/tabs?block=1')))).toEqual({
      status: 400,
      error: {
        code: 'INVALID_ARGUMENT',
        reason: 'UNKNOWN_PARAMETER',
        message: 'Invalid parameters: block; this path takes name, client, re, raw',
      },
    });
  });

  it('needs admin for /delete whatever the method', async () => {
    expect(refusal(await call('GET', asReader('/delete?name=py.totals')))).toMatchObject({
      status: 403,
      error: { reason: 'SCOPE_MISSING' },
    });
    expect(
      refusal(await call('POST', `/delete?name=py.totals&token=${TOKENS.agent}`)),
    ).toMatchObject({ status: 403, error: { reason: 'SCOPE_MISSING' } });
    expect(await call('POST', `/delete?name=py.totals&token=${TOKENS.admin}`)).toEqual({
      status: 200,
      type: 'text/plain; charset=utf-8',
      text: 'py.totals\n',
    });
    expect((await call('GET', asReader('/names?client=py-2'))).text).toBe('py.count\npy.pct\n');
  });

  it('decodes Content-Encoding gzip and deflate, and refuses a zip bomb fast, counted', async () => {
    const gz = await call('POST', `/post?token=${TOKENS.agent}`, {
      headers: { 'content-encoding': 'gzip' },
      body: gzipSync(`1\n\ngz-1\n\ngz.count\n["Counter", ${NOW}, "1"]\n\n\n\n`),
    });
    expect(JSON.parse(gz.text)).toEqual({ applied: 1, rejectedCount: 0, rejected: [] });
    const events = await call('POST', '/v1/events', {
      headers: {
        authorization: `Bearer ${TOKENS.agent}`,
        'content-type': 'application/json',
        'content-encoding': 'deflate',
      },
      body: deflateSync(
        '{"client":"gz-1","events":[{"name":"gz.mode","type":"Gauge","value":"x"}]}',
      ),
    });
    expect(JSON.parse(events.text)).toMatchObject({ applied: 1, rejectedCount: 0 });

    // 64 MiB of zeros in 64 KiB: four times TABA_MAX_BODY_BYTES once inflated.
    const bomb = deflateSync(Buffer.alloc(64 * 1024 * 1024));
    expect(bomb.length).toBeLessThan(100_000);
    const started = performance.now();
    const refused = await call('POST', `/post_zip?token=${TOKENS.agent}`, { body: bomb });
    expect(performance.now() - started).toBeLessThan(1000);
    expect(refusal(refused)).toEqual({
      status: 413,
      error: {
        code: 'RESOURCE_EXHAUSTED',
        reason: 'DECOMPRESSED_TOO_LARGE',
        message: 'the request body decompresses to more than the limit of 16777216 bytes',
      },
    });
    const corrupt = await call('POST', `/post?token=${TOKENS.agent}`, {
      headers: { 'content-encoding': 'gzip' },
      body: Buffer.from('not gzip at all'),
    });
    expect(refusal(corrupt)).toMatchObject({
      status: 400,
      error: { reason: 'INVALID_COMPRESSION' },
    });
    const brotli = await call('POST', `/post?token=${TOKENS.agent}`, {
      headers: { 'content-encoding': 'br' },
      body: Buffer.from('x'),
    });
    expect(refusal(brotli)).toMatchObject({
      status: 415,
      error: { reason: 'UNSUPPORTED_CONTENT_ENCODING' },
    });

    const status = await call('GET', `/status?token=${TOKENS.admin}`, { headers: JSON_ACCEPT });
    const gateway = (
      JSON.parse(status.text) as { instances: { metrics: Record<string, number> }[] }
    ).instances[0];
    expect({
      bomb: gateway?.metrics['refused.DECOMPRESSED_TOO_LARGE'],
      corrupt: gateway?.metrics['refused.INVALID_COMPRESSION'],
      unknownType: gateway?.metrics['refused.UNKNOWN_TYPE'],
    }).toEqual({ bomb: 1, corrupt: 1, unknownType: 1 });
    const text = await call('GET', `/status?token=${TOKENS.reader}`);
    expect(text.text).toMatch(/^gateway \S+: .*refused\.UNKNOWN_TYPE=1/);
  });

  it("answers Taba's Python agent, run as Python with the standard library", () => {
    const python = spawnSync('python3', ['--version']);
    if (python.status !== 0) {
      expect(process.env.CI, 'python3 is missing').not.toBe('true');
      return;
    }
    const output = execFileSync(
      'python3',
      [
        join(import.meta.dirname, '..', 'polyglot', 'taba_agent.py'),
        stack().restUrl,
        TOKENS.agent,
        String(NOW),
      ],
      { encoding: 'utf8' },
    );
    const text = 'text/plain; charset=utf-8';
    expect(JSON.parse(output)).toEqual({
      post: { status: 200, body: { applied: 4, rejectedCount: 0, rejected: [] } },
      tabs_text: {
        status: 200,
        type: text,
        body: `agent.requests: ${JSON.stringify(counterGroup(3, 6))}\nagent.version: {"0.3.5":1}\n`,
      },
      tabs_json: {
        status: 200,
        type: 'application/json; charset=utf-8',
        body: JSON.stringify({ 'agent.requests': counterGroup(3, 6) }),
      },
      names_text: { status: 200, type: text, body: 'agent.requests\n' },
    });
  });
});
