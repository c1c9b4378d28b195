import type { RedisConnection } from '@taba/common';
import { isTabaError, UnavailableError } from '@taba/common';
import type { CommitPart, PartOutcome } from './redis/commit-args.js';
import { buildCommitArgs, parseCommitReply } from './redis/commit-args.js';

export interface ShardCommitOptions {
  /** Replicas that must have the commit before it counts (Redis WAIT); 0: do not wait. */
  readonly waitReplicas: number;
  readonly waitTimeoutMs: number;
}

/**
 * Runs the commit script for `parts` on one shard (or one Redis Cluster slot) and, when asked,
 * WAITs for replicas in the same pipeline: same connection, right after the script, so the
 * count is about this commit and not about some other server after a failover. Any failure,
 * including too few replicas, is UNAVAILABLE: the caller retries, and the high-water marks make
 * the retry harmless whether or not this attempt was applied.
 */
export async function commitToShard(
  connection: RedisConnection,
  parts: readonly CommitPart[],
  nowMs: number,
  options: ShardCommitOptions,
): Promise<PartOutcome[]> {
  if (parts.length === 0) return [];
  const { keys, argv } = buildCommitArgs(parts, nowMs);
  try {
    const pipeline = connection.pipeline().tabaCommitV1(keys.length, ...keys, ...argv);
    if (options.waitReplicas > 0) pipeline.wait(options.waitReplicas, options.waitTimeoutMs);
    const replies = (await pipeline.exec()) ?? [];
    const [commitError, commitReply] = replies[0] ?? [new Error('no reply to the commit'), null];
    if (commitError) throw commitError;
    const outcomes = parseCommitReply(commitReply, parts.length);
    if (options.waitReplicas > 0) {
      const [waitError, confirmed] = replies[1] ?? [new Error('no reply to WAIT'), null];
      if (waitError) throw waitError;
      if (Number(confirmed) < options.waitReplicas) {
        throw new UnavailableError(
          'REPLICATION_TIMEOUT',
          `${Number(confirmed)} of ${options.waitReplicas} replicas confirmed the commit within ${options.waitTimeoutMs} ms (TABA_WAIT_REPLICAS, TABA_WAIT_TIMEOUT_MS)`,
        );
      }
    }
    return outcomes;
  } catch (error) {
    if (isTabaError(error)) throw error;
    throw new UnavailableError(
      'REDIS_UNAVAILABLE',
      `commit to a Redis shard failed: ${String(error)}`,
      {
        cause: error,
      },
    );
  }
}
