// The seq contract through real processes (2 Redis shards, 2 aggregators, 2 ingest, query,
// gateway): a re-send of the last seq is a duplicate, a lower seq is refused (SEQ_REGRESSION,
// 409) and counted, a hostile seq 2^53 - 1 does not silence the real client, a newer
// TabaClient fences an older one with the same client ID, and the gateway never posts a batch
// without a seq twice after an ingest failed having written part of it.
import { TabaClient } from '@taba/client';
import type { TabaClientError } from '@taba/client';
import { describe, expect, it } from 'vitest';
import { useGatewayStack } from '../support/gateway-stack.js';

const { stack: stackOf } = useGatewayStack({
  aggregators: 2,
  ingests: 2,
  // One attempt per Commit: a part whose aggregator is down fails the batch at once.
  env: { TABA_COMMIT_ATTEMPTS: '1' },
});

async function rest(path: string, init?: RequestInit): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${stackOf().restUrl}${path}`, init);
  const text = await response.text();
  return { status: response.status, body: text.startsWith('{') ? JSON.parse(text) : text };
}

function postEvents(body: Record<string, unknown>): Promise<{ status: number; body: unknown }> {
  return rest('/v1/events', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

/** Lifetime count and total of counter Tabs, read back over REST. */
async function lifetimes(names: string[]): Promise<Record<string, unknown>> {
  const read = await rest(`/v1/tabs?name=${names.join(',')}`);
  expect(read.status).toBe(200);
  const tabs = read.body as Record<string, { lifetime: { count: number; total: number } }>;
  return Object.fromEntries(
    names.map(name => {
      const lifetime = tabs[name]?.lifetime;
      return [name, lifetime ? { count: lifetime.count, total: lifetime.total } : undefined];
    }),
  );
}

/** Lifetime count per counter Tab whose name matches `pattern` (Tabs never written: absent). */
async function countsMatching(pattern: string): Promise<Record<string, number>> {
  const read = await rest(`/v1/tabs?name=${encodeURIComponent(pattern)}&re=1`);
  expect(read.status).toBe(200);
  const tabs = read.body as Record<string, { lifetime: { count: number } }>;
  return Object.fromEntries(Object.entries(tabs).map(([name, tab]) => [name, tab.lifetime.count]));
}

/** A metric summed over every instance of a service, from the gateway's GetStatus. */
async function metric(service: string, name: string): Promise<number> {
  const instances = await stackOf().status();
  return instances
    .filter(instance => instance.service === service)
    .reduce((sum, instance) => sum + (instance.metrics[name] ?? 0), 0);
}

/** A TabaClient of the stack's gateway whose onError calls are recorded. */
function recordedClient(clientId: string): { client: TabaClient; errors: TabaClientError[] } {
  const errors: TabaClientError[] = [];
  const client = new TabaClient({
    address: stackOf().grpcAddress,
    clientId,
    flushMs: 60_000,
    deadlineMs: 10_000,
    onError: error => errors.push(error),
  });
  return { client, errors };
}

describe('the seq contract', () => {
  it('answers a re-send of the last seq as a duplicate and refuses a lower one (409), counted in status', async () => {
    const regressions = await metric('ingest', 'ingest.batches_refused.SEQ_REGRESSION');
    const refusedParts = await metric('aggregator', 'commit.parts_refused.SEQ_REGRESSION');
    const batch = (seq: number, value: number) => ({
      client: 'resender',
      seq,
      events: [{ name: 'seq.resend', value }],
    });
    expect(await postEvents(batch(10, 1))).toEqual({
      status: 200,
      body: { applied: 1, rejected: [], rejectedCount: 0, duplicate: false },
    });
    expect(await postEvents(batch(10, 1))).toEqual({
      status: 200,
      body: { applied: 1, rejected: [], rejectedCount: 0, duplicate: true },
    });
    const lower = await postEvents(batch(9, 50));
    expect(lower.status).toBe(409);
    expect(lower.body).toEqual({
      error: {
        code: 'FAILED_PRECONDITION',
        reason: 'SEQ_REGRESSION',
        message: `seq 9 of client "resender" (session 0) is below the client's mark (session 0, seq 10): each batch needs a higher seq than the last; resending the last one is a duplicate (refused on 1 of the batch's partitions)`,
      },
    });
    expect(await postEvents(batch(11, 2))).toMatchObject({ status: 200, body: { applied: 1 } });
    expect(await lifetimes(['seq.resend'])).toEqual({ 'seq.resend': { count: 2, total: 3 } });
    expect(await metric('ingest', 'ingest.batches_refused.SEQ_REGRESSION')).toBe(regressions + 1);
    expect(await metric('aggregator', 'commit.parts_refused.SEQ_REGRESSION')).toBe(
      refusedParts + 1,
    );
  });

  it('does not let a hostile seq 2^53 - 1 silence the real client: refused, noticed, and its next 5 events counted', async () => {
    const hostile = {
      client: 'victim',
      seq: Number.MAX_SAFE_INTEGER,
      events: [{ name: 'victim.count', value: 100 }],
    };
    // Without authorization, nothing tells this post from the real client's (see
    // docs/security.md): it is applied.
    expect(await postEvents(hostile)).toMatchObject({ status: 200, body: { applied: 1 } });
    // The victim's own session-less post is refused out loud, not answered as a duplicate.
    const silenced = await postEvents({
      client: 'victim',
      seq: 1,
      events: [{ name: 'victim.count', value: 1 }],
    });
    expect(silenced.status).toBe(409);
    expect(silenced.body).toMatchObject({
      error: { code: 'FAILED_PRECONDITION', reason: 'SEQ_REGRESSION' },
    });

    // The client library has a session: it takes the client ID over and is counted exactly.
    const { client: victim, errors } = recordedClient('victim');
    try {
      for (let i = 0; i < 5; i += 1) victim.counter('victim.count', 1);
      await victim.flush();
      expect(victim.stats()).toMatchObject({ applied: 5, olderSessionsFenced: 1, fenced: false });
      expect(errors.map(error => error.code)).toEqual(['FENCED_OLDER_SESSION']);
      expect(errors[0]?.message).toContain('took over from a sender without a session');
    } finally {
      await victim.close();
    }
    expect(await lifetimes(['victim.count'])).toEqual({
      'victim.count': { count: 6, total: 105 },
    });

    // The hostile sender, now the older (session-less) one, is fenced.
    const fenced = await postEvents({ ...hostile, seq: Number.MAX_SAFE_INTEGER - 1 });
    expect(fenced.status).toBe(409);
    expect(fenced.body).toMatchObject({
      error: { code: 'FAILED_PRECONDITION', reason: 'SESSION_FENCED' },
    });
    expect(await lifetimes(['victim.count'])).toEqual({
      'victim.count': { count: 6, total: 105 },
    });
  });

  it('fences the older of two TabaClients with one client ID: it sees SESSION_FENCED, the newer is counted exactly', async () => {
    const fencedBefore = await metric('ingest', 'ingest.batches_refused.SESSION_FENCED');
    const older = recordedClient('twin');
    const newer = recordedClient('twin');
    try {
      for (let i = 0; i < 3; i += 1) older.client.counter('twin.count', 1);
      await older.client.flush();
      for (let i = 0; i < 4; i += 1) newer.client.counter('twin.count', 10);
      await newer.client.flush();
      for (let i = 0; i < 2; i += 1) older.client.counter('twin.count', 1000);
      await older.client.flush();
      for (let i = 0; i < 5; i += 1) newer.client.counter('twin.count', 10);
      await newer.client.flush();

      expect(newer.client.stats().session).toBeGreaterThan(older.client.stats().session);
      expect(older.client.stats()).toMatchObject({
        applied: 3,
        fenced: true,
        retries: 0,
        dropped: { rejectedBatch: 2 },
      });
      expect(older.errors.map(error => [error.code, error.reason, error.retrying])).toEqual([
        ['FAILED_PRECONDITION', 'SESSION_FENCED', false],
      ]);
      expect(newer.client.stats()).toMatchObject({ applied: 9, olderSessionsFenced: 1 });
      expect(newer.errors.map(error => error.code)).toEqual(['FENCED_OLDER_SESSION']);
      expect(newer.errors[0]?.message).toContain(`session ${older.client.stats().session}`);
    } finally {
      await Promise.all([older.client.close(), newer.client.close()]);
    }
    expect(await lifetimes(['twin.count'])).toEqual({ 'twin.count': { count: 12, total: 93 } });
    expect(await metric('ingest', 'ingest.batches_refused.SESSION_FENCED')).toBe(fencedBefore + 1);
  });

  // Last: it kills an aggregator.
  it('never re-posts a batch without a seq on another ingest after one failed having written part of it', async () => {
    const stack = stackOf();
    const [, second] = stack.aggregators;
    if (!second) throw new Error('the stack has no second aggregator');
    await stack.killInstance(second);
    // Tabs over many partitions: some owned by the live aggregator, some by the dead one.
    const names = Array.from({ length: 24 }, (_, i) => `nodouble.t${i}`);
    const events = names.map(name => ({ name, value: 1 }));
    const retriesBefore = await metric('gateway', 'retries.ingest');

    const failed = await postEvents({ client: 'once', events });
    expect(failed.status).toBe(503);
    expect(failed.body).toMatchObject({ error: { code: 'UNAVAILABLE', reason: 'COMMIT_FAILED' } });
    expect(await metric('gateway', 'retries.ingest')).toBe(retriesBefore);
    const found = await countsMatching('^nodouble\\.');
    const counts = names.map(name => found[name] ?? 0);
    // The live aggregator's share was written once, the dead one's not at all; never twice.
    expect(counts.filter(count => count === 1).length).toBeGreaterThan(0);
    expect(counts.filter(count => count === 0).length).toBeGreaterThan(0);
    expect(counts.every(count => count <= 1)).toBe(true);

    // With a seq the gateway may try the other ingest: the parts written are duplicates there.
    const withSeq = await postEvents({ client: 'once-seq', seq: 1, events });
    expect(withSeq.status).toBe(503);
    expect(await metric('gateway', 'retries.ingest')).toBe(retriesBefore + 1);
    const afterSeq = await countsMatching('^nodouble\\.');
    const seqCounts = names.map(name => afterSeq[name] ?? 0);
    expect(seqCounts.map((count, i) => count - (counts[i] ?? 0))).toEqual(counts);
  });
});
