// The whole stack as real child processes (2 Redis shards, aggregator, ingest, query,
// gateway): events of every type in through the TS client, REST, Taba's line protocol and
// the CLI; read back through gRPC, REST and the CLI; exactly once across an aggregator
// killed between commit and answer.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, credentials, status } from '@grpc/grpc-js';
import type { EventBatch } from '@taba/common';
import { partitionOf, redisKeys } from '@taba/common';
import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { runInProcess, spawnTaba } from '../cli/taba-cli.js';
import { expectEveryType, postEveryType } from '../support/every-type.js';
import { postBatch, useGatewayStack } from '../support/gateway-stack.js';
import { deadlineIn, grpcErrorOf, TEST_CHANNEL_OPTIONS, unary } from '../support/grpc-client.js';
import { pollUntil } from '../support/poll.js';

const NOW = Math.floor(Date.now() / 1000);
const { stack: stackOf, grpc: grpcOf } = useGatewayStack({ redisShards: 2 });

const post = (batch: EventBatch) => postBatch(grpcOf(), batch, 10_000);

async function aggregates(
  names: string[],
  regex = false,
): Promise<Record<string, Record<string, unknown>>> {
  const reply = await unary<{ tabs: { name: string; body: string }[] }>(callback =>
    grpcOf().getAggregates(
      { filter: { names, regex } },
      { deadline: deadlineIn(10_000) },
      callback,
    ),
  );
  return Object.fromEntries(
    reply.tabs.map(tab => [tab.name, JSON.parse(tab.body) as Record<string, unknown>]),
  );
}

async function rest(path: string, init?: RequestInit): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${stackOf().restUrl}${path}`, init);
  const text = await response.text();
  return {
    status: response.status,
    body: text.startsWith('{') || text.startsWith('[') ? JSON.parse(text) : text,
  };
}

describe('the data path end to end', () => {
  it('takes every type through the TS client and reads each back exactly over gRPC', async () => {
    await postEveryType(stackOf().grpcAddress, 'e2e.ts', NOW);
    expectEveryType(await aggregates(['^e2e\\.ts\\.'], true), 'e2e.ts');
  });

  it('takes REST, the line protocol and the CLI in, and reads back over REST and the CLI', async () => {
    const posted = await rest('/v1/events', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        client: 'e2e-rest',
        seq: 1,
        events: [
          { name: 'e2e.rest.bid', value: 0.25, timestamp: NOW },
          { name: 'e2e.rest.bid', value: 0.75, timestamp: NOW },
          { name: 'e2e.rest.state', type: 'Gauge', value: 'up' },
          { name: 'e2e.rest.bid', value: 'oops' },
        ],
      }),
    });
    expect(posted.status).toBe(200);
    expect(posted.body).toMatchObject({ applied: 3, rejectedCount: 1, rejected: [{ index: 3 }] });

    const body = [
      '1',
      '',
      'e2e-taba',
      '',
      'e2e.rest.bid',
      `["CounterGroup", ${NOW}, "1"]`,
      `["CounterGroup", ${NOW}, "2"]`,
      '',
      '',
      '',
    ].join('\n');
    const line = await rest('/post', { method: 'POST', body });
    expect(line.status).toBe(200);
    expect(line.body).toMatchObject({ applied: 2, rejectedCount: 0 });

    const cliPost = await runInProcess([
      'post',
      'e2e.rest.bid',
      '4',
      '--gateway',
      stackOf().grpcAddress,
    ]);
    expect(cliPost.code).toBe(0);

    const read = await rest('/v1/tabs?name=e2e.rest.bid,e2e.rest.state');
    expect(read.status).toBe(200);
    const tabs = read.body as Record<string, Record<string, unknown>>;
    expect(tabs['e2e.rest.bid']?.lifetime).toMatchObject({ count: 5, total: 8, average: 1.6 });
    expect(tabs['e2e.rest.state']).toEqual({ values: { up: 1 } });

    const text = await fetch(`${stackOf().restUrl}/v1/tabs?name=e2e.rest.state`, {
      headers: { accept: 'text/plain' },
    });
    expect(await text.text()).toBe('e2e.rest.state: values.up=1\n');

    const cli = await runInProcess([
      'agg',
      'e2e.rest.bid',
      '--json',
      '--gateway',
      stackOf().grpcAddress,
    ]);
    expect(cli.code).toBe(0);
    const printed = JSON.parse(cli.stdout) as Record<
      string,
      { lifetime: { count: number; total: number } }
    >;
    expect(printed['e2e.rest.bid']?.lifetime).toMatchObject({ count: 5, total: 8 });
    const child = await spawnTaba([
      'names',
      '--re',
      '^e2e\\.rest\\.',
      '--gateway',
      stackOf().grpcAddress,
    ]).waitForExit(30_000);
    expect(child.code).toBe(0);
    expect(child.stdout).toContain('e2e.rest.bid');
  });

  it('applies a batch once when the aggregator dies between its commit and its answer', async () => {
    const redis = new Redis(stackOf().redis[0]?.url ?? '');
    const redis2 = new Redis(stackOf().redis[1]?.url ?? '');
    try {
      // An aggregator that commits, then waits for a replica that does not exist.
      await stackOf().aggregators[0]?.stop('SIGKILL');
      const stalled = await stackOf().restartAggregator(0, {
        TABA_WAIT_REPLICAS: '1',
        TABA_WAIT_TIMEOUT_MS: '20000',
      });
      const batch: EventBatch = {
        clientId: 'e2e-once',
        seq: 42,
        tabs: [{ name: 'e2e.once', values: [1, 2, 3], timestamps: [NOW, NOW, NOW] }],
      };
      const first = grpcErrorOf(post(batch));
      const partition = partitionOf('e2e.once', 1024);
      // The commit has landed when the high-water mark shows on either shard.
      await pollUntil(
        async () =>
          (await redis.hget(redisKeys.highWaterMarks(partition), 'e2e-once')) ??
          (await redis2.hget(redisKeys.highWaterMarks(partition), 'e2e-once')) ??
          undefined,
        { timeoutMs: 15_000, what: 'the commit to land' },
      );
      await stalled.stop('SIGKILL');
      expect((await first).code).toBe(status.UNAVAILABLE);

      await stackOf().restartAggregator(0);
      const retried = await post(batch);
      expect(retried).toMatchObject({ applied: 3, duplicate: true });
      expect((await aggregates(['e2e.once']))['e2e.once']?.lifetime).toMatchObject({
        count: 3,
        total: 6,
      });
    } finally {
      await redis.quit();
      await redis2.quit();
    }
  });

  it('answers bad input with clear errors and keeps serving', async () => {
    const raw = new Client(
      stackOf().grpcAddress,
      credentials.createInsecure(),
      TEST_CHANNEL_OPTIONS,
    );
    const identity = (value: Buffer) => value;
    const malformed = await grpcErrorOf(
      unary<Buffer>(callback =>
        raw.makeUnaryRequest(
          '/taba.v1.Taba/PostEvents',
          identity,
          identity,
          Buffer.from([0x22, 0x05, 0x1a]),
          { deadline: deadlineIn() },
          callback,
        ),
      ),
    );
    raw.close();
    expect(malformed.code).toBe(status.INVALID_ARGUMENT);

    const wrongType = await post({
      clientId: 'e2e-bad',
      tabs: [{ name: 'e2e.bad', strings: ['x'] }],
    });
    expect(wrongType.rejected[0]).toMatchObject({
      code: 'INVALID_VALUE',
      reason: 'CounterGroup needs numbers, got strings',
    });

    await post({
      clientId: 'e2e-bad',
      tabs: [{ name: 'e2e.kind', type: 'GAUGE', strings: ['a'] }],
    });
    const conflict = await post({
      clientId: 'e2e-bad',
      tabs: [{ name: 'e2e.kind', type: 'COUNTER_GROUP', values: [1] }],
    });
    expect(conflict.rejected[0]).toMatchObject({ code: 'TYPE_CONFLICT' });

    const oversized = await grpcErrorOf(
      post({
        clientId: 'e2e-bad',
        tabs: [{ name: 'e2e.big', values: new Array(100_001).fill(1) }],
      }),
    );
    expect(oversized.code).toBe(status.RESOURCE_EXHAUSTED);

    const badRegex = await rest('/v1/tabs?name=(&re=1');
    expect(badRegex.status).toBe(400);
    expect(badRegex.body).toMatchObject({ error: { code: 'INVALID_ARGUMENT' } });
    const unknown = await rest('/v1/tabs?name=e2e.never.written');
    expect(unknown.status).toBe(404);
    const badJson = await rest('/v1/events', { method: 'POST', body: '{"client":' });
    expect(badJson.status).toBe(400);

    // Still serving: the next good batch is applied.
    expect(
      await post({ clientId: 'e2e-bad', tabs: [{ name: 'e2e.after', values: [1] }] }),
    ).toMatchObject({ applied: 1 });
  });

  it('answers every batch of a PostEventsStream in order, a failed one with its status', async () => {
    const stream = grpcOf().postEventsStream();
    const answers: {
      response?: { applied: number } | null;
      errorCode: number;
      errorReason: string;
    }[] = [];
    const done = new Promise<void>((resolve, reject) => {
      stream.on('data', answer => answers.push(answer));
      stream.on('end', resolve);
      stream.on('error', reject);
    });
    stream.write({
      clientId: 'e2e-stream',
      seq: 1,
      tabs: [{ name: 'e2e.stream', values: [1, 2] }],
    });
    stream.write({ clientId: 'bad client', seq: 1, tabs: [{ name: 'e2e.stream', values: [5] }] });
    stream.write({ clientId: 'e2e-stream', seq: 2, tabs: [{ name: 'e2e.stream', values: [3] }] });
    stream.end();
    await done;
    expect(answers.map(answer => answer.response?.applied ?? answer.errorReason)).toEqual([
      2,
      'INVALID_CLIENT_ID',
      1,
    ]);
    expect(answers[1]?.errorCode).toBe(status.INVALID_ARGUMENT);
    expect((await aggregates(['e2e.stream']))['e2e.stream']?.lifetime).toMatchObject({
      count: 3,
      total: 6,
    });
  });

  it('serves a Python gRPC client generated from protos/', async () => {
    const python = '/usr/bin/python3';
    const protoc = spawnSync('which', ['protoc', 'grpc_python_plugin'], { encoding: 'utf8' });
    const ready =
      existsSync(python) &&
      protoc.status === 0 &&
      spawnSync(python, ['-c', 'import grpc'], {}).status === 0;
    if (!ready) {
      // CI installs python3-grpcio, protobuf-compiler and protobuf-compiler-grpc.
      expect(process.env.CI, 'Python gRPC tools are missing').not.toBe('true');
      return;
    }
    const stubs = mkdtempSync(join(tmpdir(), 'taba-py-'));
    try {
      const plugin = protoc.stdout.trim().split('\n')[1] ?? '';
      execFileSync(
        'protoc',
        [
          '-I',
          'protos',
          `--python_out=${stubs}`,
          `--grpc_out=${stubs}`,
          `--plugin=protoc-gen-grpc=${plugin}`,
          'taba/v1/taba.proto',
        ],
        {
          cwd: join(import.meta.dirname, '..', '..'),
        },
      );
      const output = execFileSync(
        python,
        [
          join(import.meta.dirname, '..', 'polyglot', 'post_and_read.py'),
          stubs,
          stackOf().grpcAddress,
          'e2e-python',
          String(NOW),
        ],
        {
          encoding: 'utf8',
        },
      );
      const result = JSON.parse(output) as {
        applied: number;
        tabs: Record<string, Record<string, unknown>>;
      };
      expect(result.applied).toBe(4);
      expect(result.tabs['py.latency']?.lifetime).toMatchObject({ count: 3, total: 8 });
      expect(result.tabs['py.state']).toEqual({ values: { green: 1 } });
    } finally {
      rmSync(stubs, { recursive: true, force: true });
    }
  });
});
