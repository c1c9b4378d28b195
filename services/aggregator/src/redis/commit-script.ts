import { readFileSync } from 'node:fs';
import type { RedisConnection } from '@taba/common';
import type { Result } from 'ioredis';
import type {
  CallCaps,
  CallCreations,
  CellToCompact,
  CommitPart,
  PartOutcome,
} from './commit-args.js';
import { buildCommitArgs, parseCommitReply } from './commit-args.js';

// NOTE: the build copies src/redis/lua to dist/redis/lua (tsc does not copy .lua files).
const COMMIT_SOURCE = readFileSync(new URL('./lua/commit.lua', import.meta.url), 'utf8');

/** Versioned, so two deployed versions never run each other's script. */
export const COMMIT_COMMAND = 'tabaCommitV5';

/**
 * Runs of the script per chunk: the first with no part flagged as not fresh, then with the
 * duplicates and refused parts the script named. Marks only grow, so the second run settles it;
 * a third covers a concurrent commit of the same parts by another aggregator in between.
 */
const MAX_RUNS = 3;

declare module 'ioredis' {
  interface RedisCommander<Context> {
    // Arrays, not spread arguments: ioredis flattens them, and a chunk can outgrow the stack.
    tabaCommitV5(
      numberOfKeys: number,
      keys: readonly string[],
      argv: readonly (string | Buffer)[],
    ): Result<unknown[], Context>;
  }
}

/** Registers the commit script on a connection (ioredis sends EVALSHA, and EVAL on NOSCRIPT). */
export function defineCommitScript(redis: RedisConnection): void {
  if (typeof (redis as unknown as Record<string, unknown>)[COMMIT_COMMAND] !== 'function') {
    redis.defineCommand(COMMIT_COMMAND, { lua: COMMIT_SOURCE });
  }
}

/** Applies the parts in one atomic script call; outcomes come back in part order. */
export async function runCommit(
  redis: RedisConnection,
  parts: readonly CommitPart[],
  nowMs: number,
): Promise<PartOutcome[]> {
  return (await runCommitThenWait(redis, parts, nowMs, { replicas: 0, timeoutMs: 0 })).outcomes;
}

export interface CommitCallOptions {
  /** Replicas that must confirm (WAIT); 0: no WAIT. */
  readonly replicas: number;
  readonly timeoutMs: number;
  /** Bytes of records past a cell's base beyond which the script names it for compaction. */
  readonly tailLimit?: number;
  /** Cardinality caps for this call (none when absent). */
  readonly caps?: CallCaps;
}

export interface CommitCallResult {
  readonly outcomes: PartOutcome[];
  /** WAIT's answer (undefined without WAIT). */
  readonly confirmed?: number;
  readonly toCompact: CellToCompact[];
  /** New Tabs and cells the call made. */
  readonly created: CallCreations;
}

const NOTHING_CREATED: CallCreations = { tabs: 0, cellsOf: new Map() };

/**
 * The commit script and, when `replicas` > 0, `WAIT replicas timeoutMs` in one pipeline on the
 * same connection: the count is about the server that took the commit. A failed command rejects.
 */
export async function runCommitThenWait(
  redis: RedisConnection,
  parts: readonly CommitPart[],
  nowMs: number,
  options: CommitCallOptions,
): Promise<CommitCallResult> {
  const { replicas, timeoutMs } = options;
  if (parts.length === 0) return { outcomes: [], toCompact: [], created: NOTHING_CREATED };
  let notFresh: ReadonlySet<number> = new Set();
  for (let run = 1; ; run += 1) {
    const { keys, argv } = buildCommitArgs(parts, nowMs, notFresh, options.tailLimit, options.caps);
    const pipeline = redis.pipeline().tabaCommitV5(keys.length, keys, argv);
    if (replicas > 0) pipeline.wait(replicas, timeoutMs);
    const replies = (await pipeline.exec()) ?? [];
    const [commitError, commitReply] = replies[0] ?? [new Error('no reply to the commit'), null];
    if (commitError) throw commitError;
    const reply = parseCommitReply(commitReply, parts.length);
    if (reply.kind === 'notFresh') {
      if (run >= MAX_RUNS) throw new Error(`duplicates kept changing over ${run} commit runs`);
      notFresh = reply.notFresh;
      continue;
    }
    const { outcomes, toCompact, created } = reply;
    if (replicas === 0) return { outcomes, toCompact, created };
    const [waitError, confirmed] = replies[1] ?? [new Error('no reply to WAIT'), null];
    if (waitError) throw waitError;
    return { outcomes, toCompact, created, confirmed: Number(confirmed) };
  }
}
