import type { CommitPart, PartOutcome } from './redis/commit-args.js';

/** Applies parts that live on one shard in one atomic call. */
export type ShardCommit = (shard: string, parts: readonly CommitPart[]) => Promise<PartOutcome[]>;

interface Waiting {
  readonly parts: readonly CommitPart[];
  readonly resolve: (outcomes: PartOutcome[]) => void;
  readonly reject: (error: unknown) => void;
}

export interface GroupCommitOptions {
  /** How long parts gather before a commit. */
  readonly windowMs: number;
  /** A commit starts at once when this many parts wait. */
  readonly maxParts: number;
}

/**
 * Group commit: parts submitted within a short window are written together, one call
 * per Redis shard. Each submission resolves with its own parts' outcomes once every
 * shard holding one of them has committed, or rejects if any of those shards failed.
 */
export class GroupCommitter {
  private waiting: Waiting[] = [];
  private waitingParts = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly commit: ShardCommit,
    private readonly shardOf: (partition: number) => string,
    private readonly options: GroupCommitOptions,
  ) {}

  submit(parts: readonly CommitPart[]): Promise<PartOutcome[]> {
    if (parts.length === 0) return Promise.resolve([]);
    return new Promise((resolve, reject) => {
      this.waiting.push({ parts, resolve, reject });
      this.waitingParts += parts.length;
      if (this.waitingParts >= this.options.maxParts) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), this.options.windowMs);
    });
  }

  /** Commits what waits now (also called on shutdown). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.waiting;
    this.waiting = [];
    this.waitingParts = 0;
    if (batch.length > 0) void this.commitBatch(batch);
  }

  private async commitBatch(batch: readonly Waiting[]): Promise<void> {
    // Per shard, the parts in submission order, remembering where each came from.
    const byShard = new Map<string, { parts: CommitPart[]; origin: [number, number][] }>();
    batch.forEach((waiting, w) => {
      waiting.parts.forEach((part, p) => {
        const shard = this.shardOf(part.partition);
        const group = byShard.get(shard) ?? { parts: [], origin: [] };
        group.parts.push(part);
        group.origin.push([w, p]);
        byShard.set(shard, group);
      });
    });
    const outcomes = batch.map(waiting => new Array<PartOutcome | undefined>(waiting.parts.length));
    const failures = new Map<number, unknown>();
    await Promise.all(
      [...byShard].map(async ([shard, group]) => {
        try {
          const results = await this.commit(shard, group.parts);
          group.origin.forEach(([w, p], i) => {
            const slot = outcomes[w];
            if (slot) slot[p] = results[i];
          });
        } catch (error) {
          for (const [w] of group.origin) failures.set(w, error);
        }
      }),
    );
    batch.forEach((waiting, w) => {
      if (failures.has(w)) {
        waiting.reject(failures.get(w));
        return;
      }
      const mine = outcomes[w] ?? [];
      if (mine.some(outcome => outcome === undefined))
        waiting.reject(new Error('commit lost a part'));
      else waiting.resolve(mine as PartOutcome[]);
    });
  }
}
