// Bearer tokens and scopes end to end, through the whole stack as child processes with
// TABA_AUTH=required and a cluster internal token: REST, /post, a raw gRPC client, the TS
// client and the CLI, each with a good token, a wrong-scope token and none, with exact outcomes;
// the internal services refuse callers without the internal token; the tokens file reloads on
// change and on SIGHUP.
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServiceError } from '@grpc/grpc-js';
import { Metadata, status } from '@grpc/grpc-js';
import type { TabaClientError } from '@taba/client';
import { TabaClient } from '@taba/client';
import type { EventBatch, InstanceStatus__Output } from '@taba/common';
import { afterAll, describe, expect, it } from 'vitest';
import { runInProcess } from '../cli/taba-cli.js';
import { freePort, LOOPBACK } from '../support/free-port.js';
import { useGatewayStack } from '../support/gateway-stack.js';
import {
  callEmptyUnary,
  connectIngest,
  deadlineIn,
  grpcErrorOf,
  unary,
} from '../support/grpc-client.js';
import { createHealthClient } from '../support/grpc-health.js';
import { pollUntil } from '../support/poll.js';
import type { ServiceProcess } from '../support/service-process.js';
import { spawnServiceProcess, startServiceProcess } from '../support/service-process.js';
import { tokenSha256, tokensFileText } from '../support/tokens-file.js';

const INTERNAL_TOKEN = 'cluster-internal-token-0123456789';
/** Still accepted, no longer presented: a rotation half-way. */
const OLD_INTERNAL_TOKEN = 'cluster-internal-token-before-rotation';
const TOKENS = {
  writer: 'writer-token-bidders',
  agent: 'agent-token-line-protocol',
  reader: 'reader-token-dashboards',
  admin: 'admin-token-operators',
} as const;

const sha = tokenSha256;

/** Token text → scopes, each named by the token's first word. */
function tokensFile(entries: Readonly<Record<string, readonly string[]>>): string {
  return tokensFileText(
    Object.entries(entries).map(([token, scopes]) => ({
      name: `${token.split('-')[0]}`,
      token,
      scopes,
    })),
  );
}

const FIRST_TOKENS = {
  [TOKENS.writer]: ['write:bidder-*'],
  [TOKENS.agent]: ['write:agent-*'],
  [TOKENS.reader]: ['read'],
  [TOKENS.admin]: ['admin'],
};

const dir = mkdtempSync(join(tmpdir(), 'taba-auth-e2e-'));
const TOKENS_PATH = join(dir, 'tokens.json');
writeFileSync(TOKENS_PATH, tokensFile(FIRST_TOKENS));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Replaces the file as editors and Kubernetes do: a new file renamed over the old one. */
function replaceTokensFile(path: string, text: string): void {
  const next = `${path}.next`;
  writeFileSync(next, text);
  renameSync(next, path);
}

const AUTH_ENV = {
  TABA_AUTH: 'required',
  TABA_AUTH_TOKENS_FILE: TOKENS_PATH,
  TABA_AUTH_RELOAD_INTERVAL_MS: '100',
  TABA_INTERNAL_TOKEN: `${INTERNAL_TOKEN},${OLD_INTERNAL_TOKEN}`,
};

const { stack, grpc } = useGatewayStack({ redisShards: 1, env: AUTH_ENV });

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

interface Answer {
  readonly status: number;
  readonly body: unknown;
}

async function rest(
  method: string,
  path: string,
  options: { token?: string; body?: string; headers?: Record<string, string>; base?: string } = {},
): Promise<Answer> {
  const response = await fetch(`${options.base ?? stack().restUrl}${path}`, {
    method,
    headers: {
      ...(options.token === undefined ? {} : bearer(options.token)),
      ...options.headers,
    },
    signal: AbortSignal.timeout(10_000),
    ...(options.body === undefined ? {} : { body: options.body }),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
}

/** `{status, reason}` of an error answer. */
function refusal(answer: Answer): { status: number; reason: string } {
  const reason = (answer.body as { error?: { reason?: string } } | undefined)?.error?.reason;
  return { status: answer.status, reason: reason ?? '' };
}

/** Lifetime event counts of the Tabs matching `pattern`, read with the reader token. */
async function counts(pattern: string): Promise<Record<string, number>> {
  const answer = await rest('GET', `/v1/tabs?re=1&name=${encodeURIComponent(pattern)}`, {
    token: TOKENS.reader,
  });
  expect(answer.status).toBe(200);
  return Object.fromEntries(
    Object.entries(answer.body as Record<string, { lifetime: { count: number } }>).map(
      ([name, render]) => [name, render.lifetime.count],
    ),
  );
}

async function names(): Promise<string[]> {
  const answer = await rest('GET', '/v1/names', { token: TOKENS.reader });
  expect(answer.status).toBe(200);
  return (answer.body as string[]).sort();
}

function eventsBody(client: string, name: string, values: readonly number[], seq = 0): string {
  return JSON.stringify({ client, seq, events: values.map(value => ({ name, value })) });
}

/** gRPC call metadata with a bearer token (none: no authorization at all). */
function tokenMetadata(token?: string): Metadata {
  const metadata = new Metadata();
  if (token !== undefined) metadata.set('authorization', `Bearer ${token}`);
  return metadata;
}

function grpcPost(batch: EventBatch, token?: string) {
  return unary<{ applied: number }>(callback =>
    grpc().postEvents(batch, tokenMetadata(token), { deadline: deadlineIn(10_000) }, callback),
  );
}

/** One answer of PostEventsStream: a response, or the error of that batch. */
interface StreamAnswer {
  readonly response?: { readonly applied: number };
  readonly errorCode: number;
  readonly errorReason: string;
}

function reasonOf(error: ServiceError): string {
  return String(error.metadata.get('taba-reason')[0] ?? '');
}

/** Health/Check of a whole server, with no credential at all. */
async function healthOf(address: string): Promise<string> {
  const health = createHealthClient(address);
  try {
    return await health.check('');
  } finally {
    health.close();
  }
}

describe('REST with TABA_AUTH=required', () => {
  it('refuses DELETE /v1/tabs?name=.&re=1 without a token (401) and with a read token (403); admin deletes', async () => {
    const posted = await rest('POST', '/v1/events', {
      token: TOKENS.writer,
      body: eventsBody('bidder-del', 'auth.del.a', [1]),
    });
    expect(posted.status).toBe(200);
    await rest('POST', '/v1/events', {
      token: TOKENS.writer,
      body: eventsBody('bidder-del', 'auth.del.b', [1]),
    });
    const before = await names();
    expect(before).toEqual(expect.arrayContaining(['auth.del.a', 'auth.del.b']));

    expect(refusal(await rest('DELETE', '/v1/tabs?name=.&re=1'))).toEqual({
      status: 401,
      reason: 'TOKEN_MISSING',
    });
    expect(await names()).toEqual(before);
    expect(refusal(await rest('DELETE', '/v1/tabs?name=.&re=1', { token: 'made-up' }))).toEqual({
      status: 401,
      reason: 'TOKEN_INVALID',
    });
    expect(refusal(await rest('DELETE', '/v1/tabs?name=.&re=1', { token: TOKENS.reader }))).toEqual(
      { status: 403, reason: 'SCOPE_MISSING' },
    );
    expect(refusal(await rest('DELETE', '/v1/tabs?name=.&re=1', { token: TOKENS.writer }))).toEqual(
      { status: 403, reason: 'SCOPE_MISSING' },
    );
    expect(await names()).toEqual(before);

    const deleted = await rest('DELETE', '/v1/tabs?name=.&re=1', { token: TOKENS.admin });
    expect(deleted.status).toBe(200);
    expect((deleted.body as { deleted: string[] }).deleted.sort()).toEqual(before);
    expect(await names()).toEqual([]);
  });

  it('applies a write for a client inside the token prefix and refuses one outside (403), the count unchanged', async () => {
    const ok = await rest('POST', '/v1/events', {
      token: TOKENS.writer,
      body: eventsBody('bidder-1', 'auth.rest.w', [1, 2]),
    });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatchObject({ applied: 2 });

    // The poisoning of the issue: another client's ID with the largest seq.
    const poison = await rest('POST', '/v1/events', {
      token: TOKENS.writer,
      body: eventsBody('victim', 'auth.rest.w', [5], 9007199254740991),
    });
    expect(refusal(poison)).toEqual({ status: 403, reason: 'CLIENT_NOT_ALLOWED' });
    expect((poison.body as { error: { message: string } }).error.message).toContain('"victim"');
    expect(
      refusal(
        await rest('POST', '/v1/events', { body: eventsBody('bidder-1', 'auth.rest.w', [1]) }),
      ),
    ).toEqual({ status: 401, reason: 'TOKEN_MISSING' });
    expect(
      refusal(
        await rest('POST', '/v1/events', {
          token: TOKENS.reader,
          body: eventsBody('bidder-1', 'auth.rest.w', [1]),
        }),
      ),
    ).toEqual({ status: 403, reason: 'SCOPE_MISSING' });
    expect(
      refusal(
        await rest('POST', '/v1/events', {
          headers: { authorization: 'Basic d3JpdGVyOnB3' },
          body: eventsBody('bidder-1', 'auth.rest.w', [1]),
        }),
      ),
    ).toEqual({ status: 401, reason: 'TOKEN_INVALID' });
    expect(await counts('^auth\\.rest\\.w$')).toEqual({ 'auth.rest.w': 2 });

    // A write-only token cannot read back what it wrote.
    const victimToken = await rest('GET', '/v1/tabs?name=auth.rest.w', { token: TOKENS.writer });
    expect(refusal(victimToken)).toEqual({ status: 403, reason: 'SCOPE_MISSING' });
  });

  it('refuses before reading the body: a declared 8 MiB body, 1 KiB sent, is answered 401 at once, the rest to be thrown away as it comes', async () => {
    const { hostname, port } = new URL(stack().restUrl);
    const answer = await new Promise<{ status: number; connection: string; body: string }>(
      (resolve, reject) => {
        const request = httpRequest({
          host: hostname,
          port,
          method: 'POST',
          path: '/v1/events',
          headers: { 'content-length': String(8 * 1024 * 1024) },
        });
        request.on('response', response => {
          let body = '';
          response.on('data', (chunk: Buffer) => {
            body += chunk.toString('utf8');
          });
          response.on('end', () => {
            resolve({
              status: response.statusCode ?? 0,
              connection: String(response.headers.connection),
              body,
            });
            request.destroy();
          });
        });
        request.on('error', reject);
        // The rest of the body never comes: only a refusal that does not wait for it answers.
        request.write(Buffer.alloc(1024, 0x20));
      },
    );
    expect(answer.status).toBe(401);
    // Within TABA_MAX_BODY_BYTES the unread body is read and thrown away: the connection stays.
    expect(answer.connection).toBe('keep-alive');
    expect(JSON.parse(answer.body)).toMatchObject({ error: { reason: 'TOKEN_MISSING' } });
  });

  it('reads with read or admin, and refuses reads without a token or with write only', async () => {
    expect((await rest('GET', '/v1/types', { token: TOKENS.reader })).status).toBe(200);
    expect((await rest('GET', '/v1/clients', { token: TOKENS.admin })).status).toBe(200);
    expect(refusal(await rest('GET', '/v1/names'))).toEqual({
      status: 401,
      reason: 'TOKEN_MISSING',
    });
    expect(refusal(await rest('GET', '/v1/projections', { token: TOKENS.writer }))).toEqual({
      status: 403,
      reason: 'SCOPE_MISSING',
    });
    // A token in the URL is only taken by /post.
    expect(refusal(await rest('GET', `/v1/names?token=${TOKENS.reader}`))).toEqual({
      status: 401,
      reason: 'TOKEN_MISSING',
    });
  });

  it('shows status details to admin only', async () => {
    const read = await rest('GET', '/v1/status', { token: TOKENS.reader });
    const admin = await rest('GET', '/v1/status', { token: TOKENS.admin });
    const instancesOf = (answer: Answer) =>
      (answer.body as { instances: InstanceStatus__Output[] }).instances;
    expect(instancesOf(read).map(each => each.service)).toEqual([
      'gateway',
      'ingest',
      'query',
      'aggregator',
    ]);
    expect(instancesOf(read).every(each => Object.keys(each.details).length === 0)).toBe(true);
    const [gateway] = instancesOf(admin);
    expect(gateway?.details.rest).toBe(stack().restUrl.replace('http://', ''));
    expect(gateway?.metrics['auth.required']).toBe(1);
    expect(gateway?.metrics['auth.tokens']).toBe(4);
    expect(gateway?.metrics['auth.refused.TOKEN_MISSING']).toBeGreaterThan(0);
    expect(refusal(await rest('GET', '/v1/status'))).toEqual({
      status: 401,
      reason: 'TOKEN_MISSING',
    });
  });
});

describe('/post with TABA_AUTH=required', () => {
  const line = (client: string, name: string, value: number) =>
    `${client}\n\n${name}\n["CounterGroup", ${Math.floor(Date.now() / 1000)}, "${value}"]\n\n\n`;
  const body = (...clients: string[]) => `1\n\n${clients.join('')}\n`;

  it('takes the token as a query parameter or a header, for the clients it may write', async () => {
    const byParam = await rest('POST', `/post?token=${TOKENS.agent}`, {
      body: body(line('agent-1', 'auth.post.a', 1), line('agent-2', 'auth.post.a', 2)),
    });
    expect(byParam.status).toBe(200);
    const byHeader = await rest('POST', '/post', {
      token: TOKENS.agent,
      body: body(line('agent-1', 'auth.post.a', 3)),
    });
    expect(byHeader.status).toBe(200);
    expect(await counts('^auth\\.post\\.a$')).toEqual({ 'auth.post.a': 3 });
  });

  it('refuses a whole body with any client outside the token (403), applying nothing of it', async () => {
    const mixed = await rest('POST', `/post?token=${TOKENS.agent}`, {
      body: body(line('agent-1', 'auth.post.b', 1), line('bidder-9', 'auth.post.b', 1)),
    });
    expect(refusal(mixed)).toEqual({ status: 403, reason: 'CLIENT_NOT_ALLOWED' });
    expect((mixed.body as { error: { message: string } }).error.message).toContain('"bidder-9"');
    expect(
      refusal(await rest('POST', '/post', { body: body(line('agent-1', 'auth.post.b', 1)) })),
    ).toEqual({ status: 401, reason: 'TOKEN_MISSING' });
    expect(
      refusal(
        await rest('POST', `/post?token=${TOKENS.reader}`, {
          body: body(line('agent-1', 'auth.post.b', 1)),
        }),
      ),
    ).toEqual({ status: 403, reason: 'SCOPE_MISSING' });
    expect(
      refusal(
        await rest('POST', '/post?token=wrong', { body: body(line('agent-1', 'auth.post.b', 1)) }),
      ),
    ).toEqual({ status: 401, reason: 'TOKEN_INVALID' });
    expect(await counts('^auth\\.post\\.b$')).toEqual({});
  });
});

describe('gRPC with TABA_AUTH=required', () => {
  it('PostEvents: applies with the writer token, refuses no token, an outside client and a read token', async () => {
    const batch = {
      clientId: 'bidder-grpc',
      seq: 0,
      tabs: [{ name: 'auth.grpc.w', values: [1, 2, 3] }],
    };
    expect(await grpcPost(batch, TOKENS.writer)).toMatchObject({ applied: 3 });

    const none = await grpcErrorOf(grpcPost(batch));
    expect([none.code, reasonOf(none)]).toEqual([status.UNAUTHENTICATED, 'TOKEN_MISSING']);
    const unknown = await grpcErrorOf(grpcPost(batch, 'no-such-token'));
    expect([unknown.code, reasonOf(unknown)]).toEqual([status.UNAUTHENTICATED, 'TOKEN_INVALID']);
    const outside = await grpcErrorOf(
      grpcPost({ ...batch, clientId: 'victim', seq: 9007199254740991 }, TOKENS.writer),
    );
    expect([outside.code, reasonOf(outside)]).toEqual([
      status.PERMISSION_DENIED,
      'CLIENT_NOT_ALLOWED',
    ]);
    const reader = await grpcErrorOf(grpcPost(batch, TOKENS.reader));
    expect([reader.code, reasonOf(reader)]).toEqual([status.PERMISSION_DENIED, 'SCOPE_MISSING']);
    expect(await counts('^auth\\.grpc\\.w$')).toEqual({ 'auth.grpc.w': 3 });
  });

  it('PostEventsStream answers a batch outside the token with PERMISSION_DENIED and goes on', async () => {
    const call = grpc().postEventsStream(tokenMetadata(TOKENS.writer), {
      deadline: deadlineIn(10_000),
    });
    const answers: StreamAnswer[] = [];
    const ended = new Promise<void>((resolve, reject) => {
      call.on('data', (answer: StreamAnswer) => answers.push(answer));
      call.on('end', resolve);
      call.on('error', reject);
    });
    call.write({ clientId: 'bidder-s', tabs: [{ name: 'auth.grpc.s', values: [1] }] });
    call.write({ clientId: 'victim', tabs: [{ name: 'auth.grpc.s', values: [1] }] });
    call.write({ clientId: 'bidder-s', tabs: [{ name: 'auth.grpc.s', values: [1, 1] }] });
    call.end();
    await ended;
    expect(
      answers.map(
        answer => answer.response?.applied ?? `${answer.errorCode} ${answer.errorReason}`,
      ),
    ).toEqual([1, `${status.PERMISSION_DENIED} CLIENT_NOT_ALLOWED`, 2]);
    expect(await counts('^auth\\.grpc\\.s$')).toEqual({ 'auth.grpc.s': 3 });
  });

  it('StreamEvents without a token is refused before any batch', async () => {
    const error = await grpcErrorOf(
      new Promise((resolve, reject) => {
        const call = grpc().streamEvents(
          new Metadata(),
          { deadline: deadlineIn(10_000) },
          (e, r) => (e ? reject(e) : resolve(r)),
        );
        call.write({ clientId: 'bidder-x', tabs: [{ name: 'auth.grpc.x', values: [1] }] });
        call.end();
      }),
    );
    expect([error.code, reasonOf(error)]).toEqual([status.UNAUTHENTICATED, 'TOKEN_MISSING']);
  });

  it('reads need read, DeleteTabs admin; status details are admin-only; health stays open', async () => {
    const aggregates = (token?: string) =>
      unary<{ tabs: unknown[] }>(callback =>
        grpc().getAggregates(
          { filter: { names: ['auth.grpc.w'] } },
          tokenMetadata(token),
          { deadline: deadlineIn(10_000) },
          callback,
        ),
      );
    expect((await aggregates(TOKENS.reader)).tabs).toHaveLength(1);
    const writer = await grpcErrorOf(aggregates(TOKENS.writer));
    expect([writer.code, reasonOf(writer)]).toEqual([status.PERMISSION_DENIED, 'SCOPE_MISSING']);
    const none = await grpcErrorOf(aggregates());
    expect(none.code).toBe(status.UNAUTHENTICATED);

    const remove = (token?: string) =>
      unary<{ deleted: string[] }>(callback =>
        grpc().deleteTabs(
          { filter: { names: ['auth.grpc.w'] } },
          tokenMetadata(token),
          { deadline: deadlineIn(10_000) },
          callback,
        ),
      );
    const reader = await grpcErrorOf(remove(TOKENS.reader));
    expect([reader.code, reasonOf(reader)]).toEqual([status.PERMISSION_DENIED, 'SCOPE_MISSING']);
    expect(await counts('^auth\\.grpc\\.w$')).toEqual({ 'auth.grpc.w': 3 });

    const statusOf = (token: string) =>
      unary<{ instances: InstanceStatus__Output[] }>(callback =>
        grpc().getStatus({}, tokenMetadata(token), { deadline: deadlineIn(10_000) }, callback),
      );
    const read = await statusOf(TOKENS.reader);
    expect(read.instances.every(each => Object.keys(each.details).length === 0)).toBe(true);
    const admin = await statusOf(TOKENS.admin);
    expect(admin.instances[0]?.details['self.address']).toBeDefined();
    expect(await healthOf(stack().grpcAddress)).toBe('SERVING');

    expect(await remove(TOKENS.admin)).toEqual({ deleted: ['auth.grpc.w'] });
    expect(await counts('^auth\\.grpc\\.w$')).toEqual({});
  });
});

describe('the TS client with TABA_AUTH=required', () => {
  const send = async (options: { clientId: string; token?: string }) => {
    const errors: TabaClientError[] = [];
    const client = new TabaClient({
      address: stack().grpcAddress,
      flushMs: 50,
      onError: error => errors.push(error),
      // Drops are asserted through stats(), not warned about.
      onDrop: () => undefined,
      ...options,
    });
    client.counter('auth.ts', 2);
    client.counter('auth.ts', 3);
    await client.close({ timeoutMs: 10_000 });
    return { errors: errors.map(error => [error.code, error.retrying]), stats: client.stats() };
  };

  it('posts with its token, and reports a refused token or client through onError, not retried', async () => {
    const good = await send({ clientId: 'bidder-ts', token: TOKENS.writer });
    expect(good.errors).toEqual([]);
    expect(good.stats).toMatchObject({ applied: 2, retries: 0 });

    const none = await send({ clientId: 'bidder-ts' });
    expect(none.errors).toEqual([['UNAUTHENTICATED', false]]);
    expect(none.stats).toMatchObject({ applied: 0, retries: 0, dropped: { rejectedBatch: 2 } });

    const outside = await send({ clientId: 'victim', token: TOKENS.writer });
    expect(outside.errors).toEqual([['PERMISSION_DENIED', false]]);
    expect(outside.stats).toMatchObject({ applied: 0, retries: 0, dropped: { rejectedBatch: 2 } });

    const reader = await send({ clientId: 'bidder-ts', token: TOKENS.reader });
    expect(reader.errors).toEqual([['PERMISSION_DENIED', false]]);
    expect(await counts('^auth\\.ts$')).toEqual({ 'auth.ts': 2 });
  });
});

describe('the CLI with TABA_AUTH=required', () => {
  const cli = (args: readonly string[], env: NodeJS.ProcessEnv = {}) =>
    runInProcess([...args, '--gateway', stack().grpcAddress], env);

  it('takes --token or TABA_TOKEN, and names the refusal', async () => {
    const post = ['post', 'auth.cli', '4', '--type', 'CounterGroup', '--client', 'bidder-cli'];
    const withFlag = await cli([...post, '--token', TOKENS.writer]);
    expect(withFlag.stderr).toBe('');
    expect(withFlag.code).toBe(0);
    expect((await cli(post, { TABA_TOKEN: TOKENS.writer })).code).toBe(0);

    const none = await cli(post);
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('failed with UNAUTHENTICATED (reason TOKEN_MISSING)');
    const outside = await cli([
      'post',
      'auth.cli',
      '4',
      '--type',
      'CounterGroup',
      '--client',
      'victim',
      '--token',
      TOKENS.writer,
    ]);
    expect(outside.code).toBe(1);
    expect(outside.stderr).toContain('failed with PERMISSION_DENIED (reason CLIENT_NOT_ALLOWED)');

    const deleteAsReader = await cli(['delete', 'auth.cli'], { TABA_TOKEN: TOKENS.reader });
    expect(deleteAsReader.code).toBe(1);
    expect(deleteAsReader.stderr).toContain('failed with PERMISSION_DENIED (reason SCOPE_MISSING)');

    const read = await cli(['agg', 'auth.cli', '--token', TOKENS.reader]);
    expect(read.code).toBe(0);
    expect(JSON.parse(read.stdout)['auth.cli'].lifetime.count).toBe(2);
  });
});

describe('the internal services with TABA_INTERNAL_TOKEN', () => {
  it('refuse calls without the internal token and keep health open', async () => {
    for (const instance of [stack().ingest, stack().query, ...stack().aggregators]) {
      const path = {
        ingest: '/taba.internal.v1.Ingest/GetStatus',
        query: '/taba.internal.v1.Query/GetStatus',
        aggregator: '/taba.internal.v1.Aggregator/GetStatus',
        gateway: '',
      }[instance.service];
      const error = await grpcErrorOf(callEmptyUnary(instance.address, path));
      expect([instance.service, error.code, reasonOf(error)]).toEqual([
        instance.service,
        status.UNAUTHENTICATED,
        'TOKEN_MISSING',
      ]);
      expect(await healthOf(instance.address)).toBe('SERVING');
    }
  });

  it('refuse a wrong internal token, and take each one of the cluster (a rotation)', async () => {
    const ingest = connectIngest(stack().ingest.address);
    try {
      const statusWith = (token: string) =>
        unary<InstanceStatus__Output>(callback =>
          ingest.getStatus({}, tokenMetadata(token), { deadline: deadlineIn() }, callback),
        );
      const wrong = await grpcErrorOf(statusWith(TOKENS.admin));
      expect([wrong.code, reasonOf(wrong)]).toEqual([status.UNAUTHENTICATED, 'TOKEN_INVALID']);
      expect((await statusWith(INTERNAL_TOKEN)).service).toBe('ingest');
      expect((await statusWith(OLD_INTERNAL_TOKEN)).service).toBe('ingest');
    } finally {
      ingest.close();
    }
  });
});

describe('the tokens file', () => {
  it('reloads on change: a new token works and a removed one is refused', async () => {
    const rotated = 'rotated-reader-token';
    const { [TOKENS.reader]: _removed, ...kept } = FIRST_TOKENS;
    replaceTokensFile(TOKENS_PATH, tokensFile({ ...kept, [rotated]: ['read'] }));
    await pollUntil(
      async () =>
        (await rest('GET', '/v1/names', { token: rotated })).status === 200 ? true : undefined,
      { what: 'the rotated token to be accepted', timeoutMs: 10_000, intervalMs: 100 },
    );
    expect(refusal(await rest('GET', '/v1/names', { token: TOKENS.reader }))).toEqual({
      status: 401,
      reason: 'TOKEN_INVALID',
    });
    replaceTokensFile(TOKENS_PATH, tokensFile(FIRST_TOKENS));
    await pollUntil(
      async () =>
        (await rest('GET', '/v1/names', { token: TOKENS.reader })).status === 200
          ? true
          : undefined,
      { what: 'the reader token to be back', timeoutMs: 10_000, intervalMs: 100 },
    );
  });

  it('refuses the next batch of an open stream once its token is removed', async () => {
    const call = grpc().postEventsStream(tokenMetadata(TOKENS.writer), {
      deadline: deadlineIn(20_000),
    });
    const answers: StreamAnswer[] = [];
    const ended = new Promise<void>((resolve, reject) => {
      call.on('data', (answer: StreamAnswer) => answers.push(answer));
      call.on('end', resolve);
      call.on('error', reject);
    });
    call.write({ clientId: 'bidder-r', tabs: [{ name: 'auth.revoke', values: [1] }] });
    await pollUntil(() => (answers.length === 1 ? true : undefined), {
      what: 'the first answer',
      timeoutMs: 10_000,
    });
    const { [TOKENS.writer]: _revoked, ...kept } = FIRST_TOKENS;
    replaceTokensFile(TOKENS_PATH, tokensFile(kept));
    await pollUntil(
      async () => {
        const error = await grpcPost({ clientId: 'bidder-r' }, TOKENS.writer).catch(
          (failure: ServiceError) => failure,
        );
        return 'code' in error && error.code === status.UNAUTHENTICATED ? true : undefined;
      },
      { what: 'the writer token to be refused', timeoutMs: 10_000, intervalMs: 100 },
    );
    call.write({ clientId: 'bidder-r', tabs: [{ name: 'auth.revoke', values: [1] }] });
    call.end();
    await ended;
    expect(
      answers.map(
        answer => answer.response?.applied ?? `${answer.errorCode} ${answer.errorReason}`,
      ),
    ).toEqual([1, `${status.UNAUTHENTICATED} TOKEN_INVALID`]);
    expect(await counts('^auth\\.revoke$')).toEqual({ 'auth.revoke': 1 });
    replaceTokensFile(TOKENS_PATH, tokensFile(FIRST_TOKENS));
    await pollUntil(
      async () =>
        (await grpcPost({ clientId: 'bidder-r' }, TOKENS.writer).catch(() => undefined)) && true,
      { what: 'the writer token to be back', timeoutMs: 10_000, intervalMs: 100 },
    );
  });

  it('stops a gateway whose tokens file is invalid at start with exit code 2, naming the variable', async () => {
    const path = join(dir, 'bad-tokens.yaml');
    writeFileSync(path, 'tokens:\n  - {name: a, sha256: nothex, scopes: [read]}\n');
    const child = await spawnServiceProcess({
      service: 'gateway',
      env: { ...stack().env, ...AUTH_ENV, TABA_AUTH_TOKENS_FILE: path },
    });
    expect(await child.waitForExit(20_000)).toEqual({ code: 2, signal: null });
    expect(child.stderr()).toBe(
      `gateway: TABA_AUTH_TOKENS_FILE: "${path}": tokens[0].sha256: must be 64 hex digits (the SHA-256 of the token)\n`,
    );
  });

  describe('on SIGHUP (a gateway that does not poll)', () => {
    let gateway: ServiceProcess | undefined;
    afterAll(async () => {
      await gateway?.stop('SIGTERM', 5000);
    });

    it('reloads on SIGHUP only, keeps the tokens on a bad file, and counts refusals and failures', async () => {
      const path = join(dir, 'hup-tokens.yaml');
      // `watch` (admin) stays in every version: it reads the status while the others rotate.
      const hupTokens = (reader: string) =>
        `tokens:\n  - {name: ${reader}, sha256: ${sha(reader)}, scopes: [read]}\n` +
        `  - {name: watch, sha256: ${sha('watch-token')}, scopes: [admin]}\n`;
      writeFileSync(path, hupTokens('old-token'));
      const restPort = await freePort();
      gateway = await startServiceProcess({
        service: 'gateway',
        env: {
          ...stack().env,
          ...AUTH_ENV,
          TABA_AUTH_TOKENS_FILE: path,
          TABA_AUTH_RELOAD_INTERVAL_MS: '3600000',
          TABA_REST_ADDRESS: `${LOOPBACK}:${restPort}`,
        },
      });
      const base = `http://${LOOPBACK}:${restPort}`;
      const namesWith = (token?: string) =>
        rest('GET', '/v1/names', { base, ...(token === undefined ? {} : { token }) });
      const metrics = async () =>
        (
          (await rest('GET', '/v1/status', { token: 'watch-token', base })).body as {
            instances: InstanceStatus__Output[];
          }
        ).instances[0]?.metrics ?? {};
      const waitForMetric = (name: string, value: number) =>
        pollUntil(async () => ((await metrics())[name] === value ? true : undefined), {
          what: `${name} = ${value}`,
          timeoutMs: 10_000,
          intervalMs: 100,
        });
      expect((await namesWith('old-token')).status).toBe(200);

      replaceTokensFile(path, hupTokens('new-token'));
      // The file changed, but this gateway polls once an hour: nothing is reloaded yet.
      expect(refusal(await namesWith('new-token'))).toEqual({
        status: 401,
        reason: 'TOKEN_INVALID',
      });
      process.kill(gateway.pid, 'SIGHUP');
      await waitForMetric('auth.reloads', 1);
      expect((await namesWith('new-token')).status).toBe(200);
      expect(refusal(await namesWith('old-token'))).toEqual({
        status: 401,
        reason: 'TOKEN_INVALID',
      });

      replaceTokensFile(path, 'tokens: [{name: broken');
      process.kill(gateway.pid, 'SIGHUP');
      await waitForMetric('auth.reload_failures', 1);
      expect((await namesWith('new-token')).status).toBe(200);
      expect(refusal(await namesWith())).toEqual({ status: 401, reason: 'TOKEN_MISSING' });
      expect(await metrics()).toMatchObject({
        'auth.required': 1,
        'auth.tokens': 2,
        'auth.reloads': 1,
        'auth.reload_failures': 1,
        'auth.refused.TOKEN_MISSING': 1,
        'auth.refused.TOKEN_INVALID': 2,
        'auth.refused.SCOPE_MISSING': 0,
        'auth.refused.CLIENT_NOT_ALLOWED': 0,
      });
      expect(
        gateway
          .logLines()
          .some(line => line.msg === 'tokens file reload failed; the previous tokens stay'),
      ).toBe(true);
    });
  });
});
