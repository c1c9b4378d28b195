import { encodeTabOps, TabaError } from '@taba/common';
import { describe, expect, it } from 'vitest';
import type { GroupCommitOptions } from './group-commit.js';
import { GroupCommitter, partWeight } from './group-commit.js';
import type { CommitPart, PartOutcome } from './redis/commit-args.js';

const OPTIONS: GroupCommitOptions = {
  windowMs: 1,
  maxTabs: 12,
  maxArgs: 1_000_000,
  maxBytes: 1_000_000,
  inflightPerShard: 1,
  maxQueueMs: 60_000,
};

/** A part of `tabs` one-op Tabs on `partition` (shard = partition % 2 below). */
function part(partition: number, client: string, tabs = 3): CommitPart {
  return {
    partition,
    client,
    seq: 1,
    tabs: Array.from({ length: tabs }, (_, i) => ({
      name: `t${i}`,
      spec: 'COUNTER_GROUP',
      delta: encodeTabOps({ hash: ['i', 'c', '1'] }),
    })),
  };
}

const applied: PartOutcome = {
  status: 'applied',
  mark: { session: 0, seq: 0 },
  conflicts: new Map(),
};

/** A shard commit that records its calls and answers when `release` is called. */
function gatedShards() {
  const calls: { shard: string; clients: string[] }[] = [];
  const gates: (() => void)[] = [];
  let failing: string | undefined;
  const commit = (shard: string, parts: readonly CommitPart[]) => {
    calls.push({ shard, clients: parts.map(p => p.client) });
    return new Promise<PartOutcome[]>((resolve, reject) => {
      gates.push(() =>
        shard === failing
          ? reject(new Error(`${shard} is down`))
          : resolve(parts.map(() => applied)),
      );
    });
  };
  return {
    calls,
    commit,
    failOn: (shard: string) => {
      failing = shard;
    },
    /** Answers every call made so far, then lets queued work start. */
    release: async () => {
      for (const gate of gates.splice(0)) gate();
      await new Promise(resolve => setTimeout(resolve, 5));
    },
  };
}

const shardOf = (partition: number) => `s${partition % 2}`;
const settle = () => new Promise(resolve => setTimeout(resolve, 10));

describe('GroupCommitter', () => {
  it('counts a part as its Tabs twice (client and all-clients State)', () => {
    expect(partWeight(part(0, 'a', 3)).tabs).toBe(6);
  });

  it('splits what waits into calls within the caps, one call in flight per shard', async () => {
    const shards = gatedShards();
    const committer = new GroupCommitter(shards.commit, shardOf, OPTIONS);
    const done = ['a', 'b', 'c', 'd', 'e'].map(client => committer.submit([part(0, client)]));
    await settle();
    // The first call took what was there within 12 cells (two parts); nothing else runs yet.
    expect(shards.calls).toEqual([{ shard: 's0', clients: ['a', 'b'] }]);
    await shards.release();
    expect(shards.calls.slice(1)).toEqual([{ shard: 's0', clients: ['c', 'd'] }]);
    await shards.release();
    await shards.release();
    expect(shards.calls.slice(2)).toEqual([{ shard: 's0', clients: ['e'] }]);
    expect(await Promise.all(done)).toEqual(done.map(() => [applied]));
  });

  it('sends a part larger than the caps alone', async () => {
    const shards = gatedShards();
    const committer = new GroupCommitter(shards.commit, shardOf, OPTIONS);
    const big = committer.submit([part(0, 'big', 20)]);
    await settle();
    await shards.release();
    expect(shards.calls).toEqual([{ shard: 's0', clients: ['big'] }]);
    expect(await big).toEqual([applied]);
  });

  it('answers a submission across shards once both committed, in part order', async () => {
    const shards = gatedShards();
    const committer = new GroupCommitter(shards.commit, shardOf, OPTIONS);
    const both = committer.submit([part(1, 'x', 1), part(0, 'x', 1)]);
    await settle();
    expect(shards.calls.map(call => call.shard).sort()).toEqual(['s0', 's1']);
    await shards.release();
    expect(await both).toEqual([applied, applied]);
  });

  it('fails the submissions with a part on a failed shard, not the others', async () => {
    const shards = gatedShards();
    shards.failOn('s1');
    const committer = new GroupCommitter(shards.commit, shardOf, OPTIONS);
    const onBoth = committer.submit([part(0, 'a', 1), part(1, 'a', 1)]).catch(String);
    const onGood = committer.submit([part(0, 'b', 1)]);
    await settle();
    await shards.release();
    expect(await onBoth).toBe('Error: s1 is down');
    expect(await onGood).toEqual([applied]);
  });

  it('refuses with OVERLOADED while a shard has more queued than it commits in maxQueueMs', async () => {
    const shards = gatedShards();
    const committer = new GroupCommitter(shards.commit, shardOf, {
      ...OPTIONS,
      maxQueueMs: 100,
      rateWindowMs: 100,
    });
    // Nothing measured yet: at the assumed cost per cell these fit in 100 ms.
    const first = committer.submit([part(0, 'a')]);
    await settle();
    const inSecondCall = committer.submit([part(0, 'b', 1500)]);
    const queued = committer.submit([part(0, 'b2', 1500)]);
    // The first call (6 cells) took ≥ 30 ms: the 3,000 cells still queued once the second call
    // starts would take far more than 100 ms.
    await new Promise(resolve => setTimeout(resolve, 30));
    await shards.release();
    const refused = committer.submit([part(0, 'c')]);
    const error = await refused.catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(TabaError);
    expect(error).toMatchObject({ kind: 'RESOURCE_EXHAUSTED', reason: 'OVERLOADED' });
    expect((error as Error).message).toContain('TABA_COMMIT_MAX_QUEUE_MS');
    expect(committer.refused).toBe(1);
    // The other shard is not held up.
    const elsewhere = committer.submit([part(1, 'd')]);
    await settle();
    await shards.release();
    await shards.release();
    await shards.release();
    expect(await Promise.all([first, inSecondCall, queued, elsewhere])).toEqual([
      [applied],
      [applied],
      [applied],
      [applied],
    ]);
  });
});
