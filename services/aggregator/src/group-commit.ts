import type { SpanContext } from '@taba/common';
import {
  activeSpanContext,
  DrainEstimate,
  inSpan,
  ResourceExhaustedError,
  ROOT_TRACE_CONTEXT,
} from '@taba/common';
import type { CommitPart, PartOutcome } from './redis/commit-args.js';

/** Applies parts that live on one shard in one atomic call. */
export type ShardCommit = (shard: string, parts: readonly CommitPart[]) => Promise<PartOutcome[]>;

export interface GroupCommitOptions {
  /** How long parts gather on an idle shard before its commit starts. */
  readonly windowMs: number;
  /** Most Tabs (State cells) in one call; a single larger part goes alone. */
  readonly maxTabs: number;
  /** Most script arguments in one call (ops values, Buffer entries, register pairs). */
  readonly maxArgs: number;
  /** Most argument bytes in one call. */
  readonly maxBytes: number;
  /** Calls in flight per shard: more wait here, not inside Redis where they would time out. */
  readonly inflightPerShard: number;
  /** A submission is refused (OVERLOADED) when its shard's queue would take longer than this. */
  readonly maxQueueMs: number;
  /** How far back a shard's commit rate is measured, ms. @default 5000 */
  readonly rateWindowMs?: number;
}

/** A part's size, as the caps count it. */
export interface PartWeight {
  readonly tabs: number;
  readonly args: number;
  readonly bytes: number;
}

/** commit.lua's arguments per part, per Tab of a part, and per all-clients group. */
const ARGS_PER_PART = 10;
const ARGS_PER_TAB = 6;
const ARGS_PER_GROUP = 5;

export function partWeight(part: CommitPart): PartWeight {
  let bytes = part.client.length;
  for (const tab of part.tabs) bytes += tab.name.length * 4 + tab.spec.length + tab.delta.length;
  const tabs = part.tabs.length;
  // Each Tab may have an all-clients group of its own in the call, its Delta repeated once more.
  return {
    tabs: tabs * 2,
    args: ARGS_PER_PART + tabs * (ARGS_PER_TAB + ARGS_PER_GROUP),
    bytes: bytes * 2,
  };
}

interface Queued {
  readonly part: CommitPart;
  readonly weight: PartWeight;
  readonly done: (outcome: PartOutcome | Error) => void;
  /** The span that submitted the part (its Commit call), when tracing: the group's link. */
  readonly submitter?: SpanContext;
}

/** Completed calls count this long to measure a shard's throughput (default). */
const RATE_WINDOW_MS = 5000;
/**
 * Until a shard's rate is measured (at the start of a burst), each queued cell is taken to cost
 * this much, ms: about what the commit script and building its arguments cost per cell here.
 */
const ASSUMED_MS_PER_CELL = 0.03;

/** One shard's queue: calls of bounded size, at most `inflightPerShard` at once. */
class ShardQueue {
  private readonly queue: Queued[] = [];
  /** Sums of the queued parts' weights. */
  private queuedTabs = 0;
  private queuedArgs = 0;
  private queuedBytes = 0;
  private inFlight = 0;
  private timer: NodeJS.Timeout | undefined;
  /** Cells this shard committed lately: what the queue's wait is estimated from. */
  private readonly drain: DrainEstimate;

  constructor(
    private readonly shard: string,
    private readonly commit: ShardCommit,
    private readonly options: GroupCommitOptions,
  ) {
    this.drain = new DrainEstimate({
      windowMs: options.rateWindowMs ?? RATE_WINDOW_MS,
      assumedMsPerUnit: ASSUMED_MS_PER_CELL,
      parallelism: options.inflightPerShard,
    });
  }

  /** How long what waits now would take at the rate this shard committed cells lately. */
  estimatedWaitMs(now = performance.now()): number {
    return this.drain.estimatedMs(this.queuedTabs, now);
  }

  push(entry: Queued): void {
    this.queue.push(entry);
    this.queuedTabs += entry.weight.tabs;
    this.queuedArgs += entry.weight.args;
    this.queuedBytes += entry.weight.bytes;
    if (this.inFlight >= this.options.inflightPerShard) return;
    if (this.full()) this.start();
    else this.timer ??= setTimeout(() => this.start(), this.options.windowMs);
  }

  /** Commits what waits now, up to the caps per call and calls in flight (also on shutdown). */
  start(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    while (this.queue.length > 0 && this.inFlight < this.options.inflightPerShard) {
      void this.run(this.take());
    }
  }

  private full(): boolean {
    return (
      this.queuedTabs >= this.options.maxTabs ||
      this.queuedArgs >= this.options.maxArgs ||
      this.queuedBytes >= this.options.maxBytes
    );
  }

  /** The longest prefix of the queue within every cap (at least one part). */
  private take(): Queued[] {
    let tabs = 0;
    let args = 0;
    let bytes = 0;
    let count = 0;
    for (const { weight } of this.queue) {
      const over =
        tabs + weight.tabs > this.options.maxTabs ||
        args + weight.args > this.options.maxArgs ||
        bytes + weight.bytes > this.options.maxBytes;
      if (over && count > 0) break;
      tabs += weight.tabs;
      args += weight.args;
      bytes += weight.bytes;
      count += 1;
    }
    this.queuedTabs -= tabs;
    this.queuedArgs -= args;
    this.queuedBytes -= bytes;
    return this.queue.splice(0, count);
  }

  private async run(chunk: Queued[]): Promise<void> {
    this.inFlight += 1;
    this.drain.started(performance.now());
    const tabs = chunk.reduce((sum, { weight }) => sum + weight.tabs, 0);
    let committed = 0;
    try {
      // One call writes parts of many traces: its span starts a trace of its own, linked to
      // the Commit span of every part in it.
      const links = chunk.flatMap(({ submitter }) => (submitter ? [{ context: submitter }] : []));
      const outcomes = await inSpan(
        'aggregator.group_commit',
        {
          parent: ROOT_TRACE_CONTEXT,
          links,
          attributes: {
            'taba.shard': this.shard,
            'taba.group.parts': chunk.length,
            'taba.group.tabs': tabs,
          },
        },
        () =>
          this.commit(
            this.shard,
            chunk.map(({ part }) => part),
          ),
      );
      chunk.forEach(({ done }, i) => {
        done(outcomes[i] ?? new Error('commit lost a part'));
      });
      committed = tabs;
    } catch (error) {
      for (const { done } of chunk) done(error instanceof Error ? error : new Error(String(error)));
    } finally {
      this.drain.ended(committed, performance.now());
      this.inFlight -= 1;
      // What gathered during the call goes next, without waiting for a window.
      if (this.queue.length > 0) this.start();
    }
  }
}

/**
 * Group commit: parts submitted close together are written together, per Redis shard, in calls
 * bounded in Tabs, arguments and bytes, with a bounded number in flight per shard. A shard that
 * falls behind queues its own writers here (and refuses new ones with OVERLOADED once its queue
 * would take longer than `maxQueueMs`); other shards go on. Each submission resolves with its
 * parts' outcomes once every shard holding one of them has committed, or rejects if any failed.
 */
export class GroupCommitter {
  private readonly shards = new Map<string, ShardQueue>();
  /** Submissions refused because a shard's queue was too long. */
  refused = 0;

  constructor(
    private readonly commit: ShardCommit,
    private readonly shardOf: (partition: number) => string,
    private readonly options: GroupCommitOptions,
  ) {}

  private queueOf(shard: string): ShardQueue {
    let queue = this.shards.get(shard);
    if (!queue) {
      queue = new ShardQueue(shard, this.commit, this.options);
      this.shards.set(shard, queue);
    }
    return queue;
  }

  submit(parts: readonly CommitPart[]): Promise<PartOutcome[]> {
    if (parts.length === 0) return Promise.resolve([]);
    const queues = parts.map(part => this.queueOf(this.shardOf(part.partition)));
    for (const queue of new Set(queues)) {
      const waitMs = queue.estimatedWaitMs();
      if (waitMs > this.options.maxQueueMs) {
        this.refused += 1;
        return Promise.reject(
          new ResourceExhaustedError(
            'OVERLOADED',
            `overloaded: a Redis shard's commit queue would take ${Math.round(waitMs)} ms, over the limit of ${this.options.maxQueueMs} ms (TABA_COMMIT_MAX_QUEUE_MS); retry with backoff`,
          ),
        );
      }
    }
    const submitter = activeSpanContext();
    return new Promise((resolve, reject) => {
      const outcomes = new Array<PartOutcome>(parts.length);
      let pending = parts.length;
      let failed = false;
      parts.forEach((part, i) => {
        queues[i]?.push({
          part,
          weight: partWeight(part),
          ...(submitter && { submitter }),
          done: outcome => {
            if (failed) return;
            if (outcome instanceof Error) {
              failed = true;
              reject(outcome);
              return;
            }
            outcomes[i] = outcome;
            pending -= 1;
            if (pending === 0) resolve(outcomes);
          },
        });
      });
    });
  }

  /** Commits what waits now on every shard (called on shutdown). */
  flush(): void {
    for (const queue of this.shards.values()) queue.start();
  }
}
