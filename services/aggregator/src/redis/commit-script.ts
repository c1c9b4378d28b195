import { readFileSync } from 'node:fs';
import type { RedisConnection } from '@taba/common';
import type { Result } from 'ioredis';
import type { CommitPart, PartOutcome } from './commit-args.js';
import { buildCommitArgs, parseCommitReply } from './commit-args.js';

// NOTE: the build copies src/redis/lua to dist/redis/lua (tsc does not copy .lua files).
const COMMIT_SOURCE = readFileSync(new URL('./lua/commit.lua', import.meta.url), 'utf8');

/** Versioned, so two deployed versions never run each other's script. */
export const COMMIT_COMMAND = 'tabaCommitV1';

declare module 'ioredis' {
  interface RedisCommander<Context> {
    tabaCommitV1(
      numberOfKeys: number,
      ...keysAndArgs: (string | Buffer)[]
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
  if (parts.length === 0) return [];
  const { keys, argv } = buildCommitArgs(parts, nowMs);
  const reply = await redis.tabaCommitV1(keys.length, ...keys, ...argv);
  return parseCommitReply(reply, parts.length);
}
