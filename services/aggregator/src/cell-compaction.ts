import type { RedisConnection, TabTypeName } from '@taba/common';
import { ALL_CLIENTS, compactCell, KEY_PREFIX, parseTypeSpec, redisKeys } from '@taba/common';

/** What compacting one cell did. */
export type CompactionResult = 'compacted' | 'deleted' | 'raced' | 'missing';

export interface CellAddress {
  readonly partition: number;
  readonly tab: string;
  readonly client: string;
}

const CELL_KEY = new RegExp(`^${KEY_PREFIX}:\\{p(\\d+)\\}:c\\|([^|]+)\\|([^|]+)$`);

/** The partition, Tab and client of a cell key (redisKeys.cell), or undefined for another key. */
export function parseCellKey(key: string): CellAddress | undefined {
  const match = CELL_KEY.exec(key);
  if (!match) return undefined;
  return { partition: Number(match[1]), tab: match[2] ?? '', client: match[3] ?? '' };
}

/**
 * Compacts one cell: reads it, merges its records and prunes what no render can use
 * (compactCell, pure), and writes the result back only if the cell still starts with what was
 * read (compact.lua), keeping whatever was appended meanwhile. `pruned` counts what went.
 */
export async function compactOneCell(
  redis: RedisConnection,
  cell: CellAddress,
  spec: string,
  nowSeconds: number,
): Promise<{ result: CompactionResult; pruned: number }> {
  const value = await redis.getBuffer(redisKeys.cell(cell.partition, cell.tab, cell.client));
  if (!value) return { result: 'missing', pruned: 0 };
  return compactReadCell(redis, cell, spec, nowSeconds, value);
}

/** compactOneCell of a cell already read (`value`). */
export async function compactReadCell(
  redis: RedisConnection,
  cell: CellAddress,
  spec: string,
  nowSeconds: number,
  value: Buffer,
): Promise<{ result: CompactionResult; pruned: number }> {
  const key = redisKeys.cell(cell.partition, cell.tab, cell.client);
  const type = parseTypeSpec(spec).type as TabTypeName;
  const { base, pruned } = compactCell(type, value, nowSeconds);
  const outcome = await redis.tabaCompactV1(
    3,
    key,
    redisKeys.clients(cell.partition, cell.tab),
    redisKeys.tabsOfClient(cell.partition, cell.client),
    value,
    base ?? '',
    cell.client,
    cell.tab,
    cell.client === ALL_CLIENTS ? '0' : '1',
  );
  const result: CompactionResult =
    outcome === 0 ? 'raced' : outcome === 2 ? 'deleted' : 'compacted';
  return { result, pruned: result === 'raced' ? 0 : pruned };
}
