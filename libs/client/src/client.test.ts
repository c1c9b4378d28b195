import { createServer } from 'node:net';
import type { ServerUnaryCall, sendUnaryData } from '@grpc/grpc-js';
import { Metadata, Server, ServerCredentials, status } from '@grpc/grpc-js';
import type { EventBatch__Output, PostEventsResponse } from '@taba/common';
import { loadTabaProtos } from '@taba/common';
import { afterEach, describe, expect, it } from 'vitest';
import { TabaClient } from './client.js';
import type { TabaClientError } from './errors.js';
import type { DropReport, TabaClientOptions } from './options.js';
import { backoffMs, DEFAULT_CLIENT_OPTIONS } from './options.js';

/** How the fake gateway answers one PostEvents call. */
type Outcome =
  | { readonly reply: PostEventsResponse }
  | {
      readonly error: { readonly code: status; readonly details: string; readonly reason?: string };
    };

type Behaviour = (batch: EventBatch__Output, call: number) => Outcome | Promise<Outcome>;

/** A real gRPC server on 127.0.0.1:0 serving taba.v1.Taba/PostEvents, recording every call. */
interface FakeGateway {
  readonly address: string;
  /** Every request, in arrival order, retries included. */
  readonly calls: EventBatch__Output[];
  /** The most calls that were ever being answered at the same time. */
  maxConcurrent(): number;
  stop(): Promise<void>;
}

function eventCount(batch: EventBatch__Output): number {
  let count = 0;
  for (const tab of batch.tabs)
    count += tab.strings.length > 0 ? tab.strings.length : tab.values.length;
  return count;
}

const applyAll: Behaviour = batch => ({
  reply: { applied: eventCount(batch), rejectedCount: 0, rejected: [], duplicate: false },
});

async function startFakeGateway(behaviour: Behaviour = applyAll): Promise<FakeGateway> {
  const server = new Server();
  const calls: EventBatch__Output[] = [];
  let concurrent = 0;
  let maxConcurrent = 0;
  server.addService(loadTabaProtos().taba.v1.Taba.service, {
    PostEvents: (
      call: ServerUnaryCall<EventBatch__Output, PostEventsResponse>,
      callback: sendUnaryData<PostEventsResponse>,
    ) => {
      const index = calls.length;
      calls.push(call.request);
      concurrent += 1;
      maxConcurrent = Math.max(maxConcurrent, concurrent);
      Promise.resolve(behaviour(call.request, index)).then(
        outcome => {
          concurrent -= 1;
          if ('reply' in outcome) callback(null, outcome.reply);
          else {
            const metadata = new Metadata();
            if (outcome.error.reason) metadata.set('taba-reason', outcome.error.reason);
            callback({ code: outcome.error.code, details: outcome.error.details, metadata });
          }
        },
        (error: unknown) => {
          concurrent -= 1;
          callback({ code: status.INTERNAL, details: String(error) });
        },
      );
    },
  });
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync('127.0.0.1:0', ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    );
  });
  return {
    address: `127.0.0.1:${port}`,
    calls,
    maxConcurrent: () => maxConcurrent,
    stop: () =>
      new Promise<void>(resolve => {
        server.forceShutdown();
        resolve();
      }),
  };
}

/** A port nothing listens on (it was free a moment ago). */
function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0 }, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Polls `predicate` every 10 ms; fails after `timeoutMs`. */
async function waitFor(what: string, predicate: () => boolean, timeoutMs = 5000): Promise<void> {
  const giveUpAt = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > giveUpAt)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise(resolve => setTimeout(resolve, 10));
  }
}

/** Resolves `promise`, or fails the test after `timeoutMs`. */
async function within<T>(promise: Promise<T>, timeoutMs = 5000): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`not settled within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function gateway(behaviour?: Behaviour): Promise<FakeGateway> {
  const fake = await startFakeGateway(behaviour);
  cleanups.push(() => fake.stop());
  return fake;
}

interface Recorded {
  readonly client: TabaClient;
  readonly errors: TabaClientError[];
  readonly drops: DropReport[];
}

/** A client that never flushes on its own timer (tests flush explicitly) and retries fast. */
function client(address: string, options: Partial<TabaClientOptions> = {}): Recorded {
  const errors: TabaClientError[] = [];
  const drops: DropReport[] = [];
  const created = new TabaClient({
    address,
    clientId: 'test-client',
    flushMs: 60_000,
    deadlineMs: 2000,
    retry: { initialMs: 5, maxMs: 20, jitter: 0 },
    onError: error => errors.push(error),
    onDrop: report => drops.push(report),
    ...options,
  });
  cleanups.push(() => created.close({ timeoutMs: 1000 }));
  return { client: created, errors, drops };
}

describe('TabaClient against a real gRPC server', () => {
  it('sends the exact columns and values of every type', async () => {
    const fake = await gateway();
    const { client: taba } = client(fake.address);
    const before = Date.now() / 1000;
    const expiry = Math.floor(before) + 3600;
    taba.counter('requests');
    taba.counter('requests', 2.5);
    taba.percentile('latency', 12.5);
    taba.gauge('version', 'v1.2');
    taba.gauge('version', 3);
    taba.gauge('leader', 'node-a', expiry);
    taba.buffer('recent', 'e1', new Date(expiry * 1000));
    taba.buffer('recent', 42, expiry + 1);
    taba.unique('users', 'alice');
    taba.unique('users', 'bob');
    taba.histogram('sizes', 3, [1, 5, 10]);
    taba.histogram('sizes', 7, [1, 5, 10]);
    taba.histogram('sizes', 7, [1, 2]);
    taba.record('bytes', 'TotalsCounter', 100, { timestamp: 1_700_000_000.5 });
    await within(taba.flush());
    const after = Date.now() / 1000;

    expect(fake.calls).toHaveLength(1);
    const [batch] = fake.calls;
    expect(batch?.clientId).toBe('test-client');
    expect(batch?.sentAt).toBeGreaterThanOrEqual(before);
    expect(batch?.sentAt).toBeLessThanOrEqual(after);
    const tabs = (batch?.tabs ?? []).map(tab => ({ ...tab, timestamps: tab.timestamps.length }));
    expect(tabs).toEqual([
      {
        name: 'requests',
        type: 'COUNTER_GROUP',
        timestamps: 2,
        values: [1, 2.5],
        strings: [],
        expiries: [],
        bounds: [],
      },
      {
        name: 'latency',
        type: 'PERCENTILE_GROUP',
        timestamps: 1,
        values: [12.5],
        strings: [],
        expiries: [],
        bounds: [],
      },
      {
        name: 'version',
        type: 'GAUGE',
        timestamps: 1,
        values: [],
        strings: ['v1.2'],
        expiries: [],
        bounds: [],
      },
      {
        name: 'version',
        type: 'GAUGE',
        timestamps: 1,
        values: [3],
        strings: [],
        expiries: [],
        bounds: [],
      },
      {
        name: 'leader',
        type: 'EXPIRY_GAUGE',
        timestamps: 1,
        values: [],
        strings: ['node-a'],
        expiries: [expiry],
        bounds: [],
      },
      {
        name: 'recent',
        type: 'BUFFER',
        timestamps: 1,
        values: [],
        strings: ['e1'],
        expiries: [expiry],
        bounds: [],
      },
      {
        name: 'recent',
        type: 'BUFFER',
        timestamps: 1,
        values: [42],
        strings: [],
        expiries: [expiry + 1],
        bounds: [],
      },
      {
        name: 'users',
        type: 'UNIQUE',
        timestamps: 2,
        values: [],
        strings: ['alice', 'bob'],
        expiries: [],
        bounds: [],
      },
      {
        name: 'sizes',
        type: 'HISTOGRAM',
        timestamps: 2,
        values: [3, 7],
        strings: [],
        expiries: [],
        bounds: [1, 5, 10],
      },
      {
        name: 'sizes',
        type: 'HISTOGRAM',
        timestamps: 1,
        values: [7],
        strings: [],
        expiries: [],
        bounds: [1, 2],
      },
      {
        name: 'bytes',
        type: 'TOTALS_COUNTER',
        timestamps: 1,
        values: [100],
        strings: [],
        expiries: [],
        bounds: [],
      },
    ]);
    const stamped = (batch?.tabs ?? []).flatMap(tab => tab.timestamps);
    expect(stamped.at(-1)).toBe(1_700_000_000.5);
    for (const timestamp of stamped.slice(0, -1)) {
      expect(timestamp).toBeGreaterThanOrEqual(before);
      expect(timestamp).toBeLessThanOrEqual(after);
    }
    expect(taba.stats()).toMatchObject({ sent: 14, applied: 14, pending: 0, inFlight: 0 });
  });

  it('starts seq near Date.now() * 1000 and raises it by one per batch', async () => {
    const fake = await gateway();
    const before = Date.now() * 1000;
    const { client: taba } = client(fake.address, { maxBatch: 2 });
    const after = Date.now() * 1000;
    for (let i = 0; i < 6; i += 1) taba.counter('n', i);
    await within(taba.flush());

    const seqs = fake.calls.map(call => call.seq);
    expect(seqs).toHaveLength(3);
    expect(seqs[0]).toBeGreaterThanOrEqual(before);
    expect(seqs[0]).toBeLessThanOrEqual(after);
    expect(seqs).toEqual([seqs[0], (seqs[0] ?? 0) + 1, (seqs[0] ?? 0) + 2]);
    expect(Number.isSafeInteger(seqs[2])).toBe(true);
    expect(taba.stats().seq).toBe(seqs[2]);
    expect(fake.calls.map(call => call.tabs[0]?.values)).toEqual([
      [0, 1],
      [2, 3],
      [4, 5],
    ]);
  });

  it('keeps at most one batch in flight, in order, while the server is slow', async () => {
    const fake = await gateway(async batch => {
      await new Promise(resolve => setTimeout(resolve, 20));
      return applyAll(batch, 0);
    });
    const { client: taba } = client(fake.address, { maxBatch: 5 });
    for (let i = 0; i < 40; i += 1) taba.counter('slow', i);
    await within(taba.flush());

    expect(fake.maxConcurrent()).toBe(1);
    expect(fake.calls).toHaveLength(8);
    const first = fake.calls[0]?.seq ?? 0;
    expect(fake.calls.map(call => call.seq - first)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(fake.calls.flatMap(call => call.tabs.flatMap(tab => tab.values))).toEqual(
      Array.from({ length: 40 }, (_, i) => i),
    );
    expect(taba.stats()).toMatchObject({ sent: 40, batches: 8, retries: 0 });
  });

  it('retries a batch with the same seq and content after UNAVAILABLE twice', async () => {
    const fake = await gateway((batch, call) =>
      call < 2
        ? { error: { code: status.UNAVAILABLE, details: 'try later' } }
        : applyAll(batch, call),
    );
    const { client: taba, errors } = client(fake.address);
    taba.counter('retried', 1);
    taba.unique('retried-users', 'u1');
    await within(taba.flush());

    expect(fake.calls).toHaveLength(3);
    expect(fake.calls[1]).toEqual(fake.calls[0]);
    expect(fake.calls[2]).toEqual(fake.calls[0]);
    expect(taba.stats()).toMatchObject({ sent: 2, applied: 2, retries: 2, batches: 1 });
    expect(errors.map(error => [error.code, error.retrying, error.seq])).toEqual([
      ['UNAVAILABLE', true, fake.calls[0]?.seq],
      ['UNAVAILABLE', true, fake.calls[0]?.seq],
    ]);
  });

  it('backs off and retries when the server is overloaded (RESOURCE_EXHAUSTED, OVERLOADED)', async () => {
    const fake = await gateway((batch, call) =>
      call < 2
        ? {
            error: { code: status.RESOURCE_EXHAUSTED, details: 'overloaded', reason: 'OVERLOADED' },
          }
        : applyAll(batch, call),
    );
    const { client: taba, errors } = client(fake.address);
    taba.counter('busy', 1);
    await within(taba.flush());
    expect(fake.calls).toHaveLength(3);
    expect(fake.calls[2]).toEqual(fake.calls[0]);
    expect(taba.stats()).toMatchObject({ sent: 1, applied: 1, retries: 2 });
    expect(errors.map(error => [error.code, error.retrying])).toEqual([
      ['RESOURCE_EXHAUSTED', true],
      ['RESOURCE_EXHAUSTED', true],
    ]);
  });

  it.each(['BATCH_TOO_LARGE', 'TOO_MANY_TABS', 'MESSAGE_TOO_LARGE'])(
    'drops a batch the server will never take (RESOURCE_EXHAUSTED, %s)',
    async reason => {
      const fake = await gateway(() => ({
        error: { code: status.RESOURCE_EXHAUSTED, details: 'too big', reason },
      }));
      const { client: taba, errors } = client(fake.address);
      taba.counter('huge', 1);
      await within(taba.flush());
      expect(fake.calls).toHaveLength(1);
      expect(taba.stats()).toMatchObject({ sent: 0, retries: 0, dropped: { rejectedBatch: 1 } });
      expect(errors[0]).toMatchObject({ code: 'RESOURCE_EXHAUSTED', retrying: false });
    },
  );

  it('drops and counts exactly what does not fit the buffer', async () => {
    let release: () => void = () => {};
    const released = new Promise<void>(resolve => {
      release = resolve;
    });
    const fake = await gateway(async (batch, call) => {
      if (call === 0) await released;
      return applyAll(batch, call);
    });
    const { client: taba, drops } = client(fake.address, { maxBatch: 10, maxBuffered: 20 });
    for (let i = 0; i < 10; i += 1) taba.counter('full', i);
    await waitFor('the first batch to reach the server', () => fake.calls.length === 1);
    expect(taba.stats()).toMatchObject({ pending: 0, inFlight: 10 });

    for (let i = 10; i < 45; i += 1) taba.counter('full', i);
    expect(taba.stats()).toMatchObject({ pending: 20, inFlight: 10, dropped: { bufferFull: 15 } });
    await waitFor('the drop report', () => drops.length > 0);
    expect(drops.reduce((sum, drop) => sum + drop.count, 0)).toBe(15);
    expect(drops.at(-1)).toEqual({ reason: 'bufferFull', count: 15, total: 15 });

    release();
    await within(taba.flush());
    const values = fake.calls.flatMap(call => call.tabs.flatMap(tab => tab.values));
    expect(values).toEqual(Array.from({ length: 30 }, (_, i) => i));
    expect(taba.stats()).toMatchObject({
      sent: 30,
      pending: 0,
      dropped: { bufferFull: 15, rejectedBatch: 0, closed: 0 },
    });
  });

  it('sends what is left on close, and a second close is harmless', async () => {
    const fake = await gateway();
    const { client: taba, drops } = client(fake.address);
    taba.counter('left', 1);
    taba.gauge('left-gauge', 'x');
    const closing = taba.close();
    expect(taba.close()).toBe(closing);
    await within(closing);
    await within(taba.close());

    expect(fake.calls).toHaveLength(1);
    expect(fake.calls[0]?.tabs.map(tab => tab.name)).toEqual(['left', 'left-gauge']);
    expect(taba.stats()).toMatchObject({ sent: 2, pending: 0, inFlight: 0 });

    taba.counter('late', 1);
    expect(taba.stats().dropped.closed).toBe(1);
    await waitFor('the closed drop report', () => drops.length > 0);
    expect(drops).toEqual([{ reason: 'closed', count: 1, total: 1 }]);
    await within(taba.flush());
    expect(fake.calls).toHaveLength(1);
  });

  it('flushes on its timer without an explicit flush', async () => {
    const fake = await gateway();
    const { client: taba } = client(fake.address, { flushMs: 20 });
    taba.counter('timed', 1);
    await waitFor('the timer to send the batch', () => taba.stats().sent === 1);
    expect(fake.calls).toHaveLength(1);
  });

  it('drops a batch refused with INVALID_ARGUMENT, reports it, and goes on with the next seq', async () => {
    const fake = await gateway((batch, call) =>
      call === 0
        ? { error: { code: status.INVALID_ARGUMENT, details: 'client ID is empty' } }
        : applyAll(batch, call),
    );
    const { client: taba, errors, drops } = client(fake.address);
    taba.counter('refused', 1);
    taba.counter('refused', 2);
    await within(taba.flush());

    expect(fake.calls).toHaveLength(1);
    expect(taba.stats()).toMatchObject({ sent: 0, retries: 0, dropped: { rejectedBatch: 2 } });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: 'INVALID_ARGUMENT', retrying: false, events: 2 });
    expect(errors[0]?.message).toContain('client ID is empty');
    await waitFor('the drop report', () => drops.length > 0);
    expect(drops).toEqual([{ reason: 'rejectedBatch', count: 2, total: 2 }]);

    taba.counter('accepted', 3);
    await within(taba.flush());
    expect(fake.calls).toHaveLength(2);
    expect(fake.calls[1]?.seq).toBe((fake.calls[0]?.seq ?? 0) + 1);
    expect(taba.stats()).toMatchObject({ sent: 1, dropped: { rejectedBatch: 2 } });
  });

  it('counts rejected events by code and reports them', async () => {
    const fake = await gateway(batch => ({
      reply: {
        applied: eventCount(batch) - 2,
        rejectedCount: 2,
        rejected: [{ index: 1, tab: 1, event: 0, code: 'TYPE_CONFLICT', reason: 'is a Gauge' }],
        duplicate: false,
      },
    }));
    const { client: taba, errors } = client(fake.address);
    taba.counter('fine', 1);
    taba.counter('conflict', 1);
    taba.counter('conflict', 2);
    await within(taba.flush());

    expect(taba.stats()).toMatchObject({
      sent: 3,
      applied: 1,
      rejected: 2,
      rejectedByCode: { TYPE_CONFLICT: 1, UNLISTED: 1 },
    });
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({
      code: 'REJECTED_EVENTS',
      retrying: false,
      events: 2,
      rejections: [{ name: 'conflict', event: 0, code: 'TYPE_CONFLICT', reason: 'is a Gauge' }],
    });
  });

  it('sends its own session with every batch; a later client has a higher one', async () => {
    const fake = await gateway();
    const before = Date.now() * 1000;
    const { client: first } = client(fake.address);
    const { client: second } = client(fake.address);
    first.counter('a', 1);
    await within(first.flush());
    second.counter('a', 2);
    await within(second.flush());
    expect(fake.calls.map(call => call.session)).toEqual([
      first.stats().session,
      second.stats().session,
    ]);
    expect(first.stats().session).toBeGreaterThanOrEqual(before);
    expect(second.stats().session).toBeGreaterThan(first.stats().session);
  });

  it.each([
    ['SESSION_FENCED', true],
    ['SEQ_REGRESSION', false],
  ])(
    'reports a batch refused with %s once, never retries it, and goes on',
    async (reason, fenced) => {
      const fake = await gateway((batch, call) =>
        call === 0
          ? { error: { code: status.FAILED_PRECONDITION, details: `refused: ${reason}`, reason } }
          : applyAll(batch, call),
      );
      const { client: taba, errors } = client(fake.address);
      taba.counter('n', 1);
      await within(taba.flush());
      expect(fake.calls).toHaveLength(1);
      expect(errors).toHaveLength(1);
      expect(errors[0]).toMatchObject({ code: 'FAILED_PRECONDITION', reason, retrying: false });
      expect(taba.stats()).toMatchObject({ retries: 0, dropped: { rejectedBatch: 1 }, fenced });
      taba.counter('n', 2);
      await within(taba.flush());
      expect(fake.calls).toHaveLength(2);
      expect(taba.stats()).toMatchObject({ applied: 1, retries: 0 });
    },
  );

  it('tells onError once per older session it fenced', async () => {
    const fake = await gateway(batch => ({
      reply: {
        applied: eventCount(batch),
        rejectedCount: 0,
        rejected: [],
        duplicate: false,
        fencedOlderSession: true,
        fencedSession: 42,
      },
    }));
    const { client: taba, errors } = client(fake.address);
    for (const value of [1, 2]) {
      taba.counter('n', value);
      await within(taba.flush());
    }
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: 'FENCED_OLDER_SESSION', events: 0, retrying: false });
    expect(errors[0]?.message).toContain('took over from session 42');
    expect(taba.stats()).toMatchObject({ olderSessionsFenced: 1, applied: 2, fenced: false });
  });

  it('counts duplicates the server reports', async () => {
    const fake = await gateway(batch => ({
      reply: { applied: eventCount(batch), rejectedCount: 0, rejected: [], duplicate: true },
    }));
    const { client: taba } = client(fake.address);
    taba.counter('dup', 1);
    await within(taba.flush());
    expect(taba.stats()).toMatchObject({ duplicates: 1, sent: 1, applied: 1 });
  });

  it('gives up on close after its timeout and counts what was left as dropped', async () => {
    const port = await closedPort();
    const { client: taba, errors, drops } = client(`127.0.0.1:${port}`);
    taba.counter('unsent', 1);
    taba.counter('unsent', 2);
    await within(taba.close({ timeoutMs: 300 }));

    expect(taba.stats()).toMatchObject({
      sent: 0,
      pending: 0,
      inFlight: 0,
      dropped: { closed: 2 },
    });
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.every(error => error.retrying && error.code === 'UNAVAILABLE')).toBe(true);
    expect(drops).toEqual([{ reason: 'closed', count: 2, total: 2 }]);
  });

  it('throws at the call site for invalid input, and buffers nothing', async () => {
    const fake = await gateway();
    const { client: taba } = client(fake.address);
    const expiry = Date.now() / 1000 + 60;
    expect(() => taba.counter('n', Number.NaN)).toThrow(RangeError);
    expect(() => taba.counter('n', Number.POSITIVE_INFINITY)).toThrow(/finite/);
    expect(() => taba.record('n', 'COUNTER_GROUP', Number.NaN)).toThrow(RangeError);
    expect(() => taba.counter('has space', 1)).toThrow(/disallowed character " "/);
    expect(() => taba.counter('', 1)).toThrow(/name is empty/);
    expect(() => taba.counter('x'.repeat(257), 1)).toThrow(/limit is 256/);
    expect(() => taba.record('n', 'Nonsense', 1)).toThrow(TypeError);
    expect(() => taba.record('n', 'COUNTER_GROUP', 'text')).toThrow(/takes numbers/);
    expect(() => taba.unique('u', 'x'.repeat(1025))).toThrow(/limit is 1024/);
    expect(() => taba.buffer('b', 1, Number.NaN)).toThrow(/epoch seconds/);
    expect(() => taba.buffer('b', 1, 60)).toThrow(/epoch seconds/);
    expect(() => taba.record('b', 'BUFFER', 1)).toThrow(/needs an expiry/);
    expect(() => taba.record('c', 'COUNTER_GROUP', 1, { expiry })).toThrow(/takes no expiry/);
    expect(() => taba.histogram('h', 1, [])).toThrow(TypeError);
    expect(() => taba.histogram('h', 1, [1, 1])).toThrow(/strictly increasing/);
    expect(() => taba.histogram('h', 1, [1, Number.NaN])).toThrow(/finite/);
    expect(() => taba.record('c', 'COUNTER_GROUP', 1, { bounds: [1] })).toThrow(/takes no bounds/);
    expect(() => taba.record('c', 'COUNTER_GROUP', 1, { timestamp: Date.now() })).toThrow(
      /epoch seconds/,
    );
    expect(() => taba.counter(42 as unknown as string, 1)).toThrow(TypeError);

    expect(taba.stats()).toMatchObject({ pending: 0, dropped: { bufferFull: 0 } });
    await within(taba.flush());
    expect(fake.calls).toHaveLength(0);
  });

  it('refuses bad options', () => {
    const base = { clientId: 'ok' };
    expect(() => new TabaClient({ clientId: 'bad id' })).toThrow(RangeError);
    expect(() => new TabaClient({ ...base, maxBatch: 0 })).toThrow(/maxBatch/);
    expect(() => new TabaClient({ ...base, flushMs: Number.NaN })).toThrow(/flushMs/);
    expect(() => new TabaClient({ ...base, retry: { jitter: 2 } })).toThrow(/jitter/);
    expect(() => new TabaClient({ ...base, token: '' })).toThrow(/token/);
    expect(() => new TabaClient({ ...base, token: 'has space' })).toThrow(/token/);
  });
});

describe('backoffMs', () => {
  const retry = DEFAULT_CLIENT_OPTIONS.retry;

  it('doubles from initialMs up to maxMs', () => {
    const middle = () => 0.5;
    const waits = [1, 2, 3, 4, 7, 8, 20].map(attempt => backoffMs(retry, attempt, middle));
    expect(waits).toEqual([100, 200, 400, 800, 6400, 10_000, 10_000]);
  });

  it('moves each wait by up to ±jitter', () => {
    expect(backoffMs(retry, 1, () => 0)).toBeCloseTo(80);
    expect(backoffMs(retry, 1, () => 1)).toBeCloseTo(120);
  });
});
