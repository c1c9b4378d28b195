import type { RedisConnection } from '@taba/common';
import { isTabaError, UnavailableError } from '@taba/common';
import type { CellToCompact, CommitPart, PartOutcome } from './redis/commit-args.js';
import { runCommitThenWait } from './redis/commit-script.js';

export interface ShardCommitOptions {
  /** Replicas that must have the commit before it counts (Redis WAIT); 0: do not wait. */
  readonly waitReplicas: number;
  readonly waitTimeoutMs: number;
  /** Bytes of records past a cell's base beyond which the cell is named for compaction. */
  readonly cellTailBytes?: number;
}

/**
 * Runs the commit script for `parts` on one shard (or one Redis Cluster slot) and, when asked,
 * WAITs for replicas in the same pipeline (runCommitThenWait). Any failure,
 * including too few replicas, is UNAVAILABLE: the caller retries, and the high-water marks make
 * the retry harmless whether or not this attempt was applied.
 */
export async function commitToShard(
  connection: RedisConnection,
  parts: readonly CommitPart[],
  nowMs: number,
  options: ShardCommitOptions,
): Promise<{ outcomes: PartOutcome[]; toCompact: CellToCompact[] }> {
  try {
    const {
      outcomes,
      toCompact,
      confirmed = 0,
    } = await runCommitThenWait(connection, parts, nowMs, {
      replicas: options.waitReplicas,
      timeoutMs: options.waitTimeoutMs,
      tailLimit: options.cellTailBytes,
    });
    if (options.waitReplicas > 0 && confirmed < options.waitReplicas) {
      throw new UnavailableError(
        'REPLICATION_TIMEOUT',
        `${confirmed} of ${options.waitReplicas} replicas confirmed the commit within ${options.waitTimeoutMs} ms (TABA_WAIT_REPLICAS, TABA_WAIT_TIMEOUT_MS)`,
      );
    }
    return { outcomes, toCompact };
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
