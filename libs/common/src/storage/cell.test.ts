import { describe, expect, it } from 'vitest';
import { TabaError } from '../errors/taba-error.js';
import { CELL_HEADER_BYTES, cellRecord, compactCell, decodeCell, readCell } from './cell.js';
import type { TabOps } from './tab-ops.js';

const NOW = 1_800_000_000;

/** A cell as the commit script builds it: an empty-base header, then appended records. */
function cellOf(...deltas: TabOps[]): Buffer {
  return Buffer.concat([Buffer.alloc(CELL_HEADER_BYTES), ...deltas.map(cellRecord)]);
}

function reasonOf(value: Uint8Array): string {
  try {
    decodeCell(value);
  } catch (error) {
    if (error instanceof TabaError) return error.reason;
    throw error;
  }
  return 'decoded';
}

describe('cells', () => {
  it('reads the merge of every record appended', () => {
    const cell = cellOf(
      { hash: ['i', 'lc', '2', 'f', 'lt', '1.5'] },
      { hash: ['i', 'lc', '3', 'f', 'lt', '0.25', 'n', 'lo', '-4'] },
    );
    expect(readCell(cell, NOW)).toEqual({
      hash: { lc: '5', lt: '1.75', lo: '-4' },
      buffer: [],
      registers: new Map(),
    });
  });

  it('refuses a cut-off record or header as CORRUPT_CELL', () => {
    const cell = cellOf({ hash: ['i', 'lc', '2'] });
    expect(reasonOf(cell.subarray(0, 2))).toBe('CORRUPT_CELL');
    expect(reasonOf(cell.subarray(0, cell.length - 1))).toBe('CORRUPT_CELL');
    expect(reasonOf(cell.subarray(0, CELL_HEADER_BYTES + 2))).toBe('CORRUPT_CELL');
    expect(reasonOf(cell)).toBe('decoded');
  });

  it('compacts to one record that reads the same, dropping buckets that left every window', () => {
    const live = Math.floor(NOW / 1);
    const cell = cellOf(
      { hash: ['i', `c0:${live}`, '1', 'i', 'c0:5', '7', 'i', 'lc', '1'] },
      { hash: ['i', `c0:${live}`, '2', 'i', 'lc', '2'] },
    );
    const { base, pruned } = compactCell('COUNTER_GROUP', cell, NOW);
    expect(pruned).toBe(1);
    const compacted = Buffer.concat([Buffer.alloc(CELL_HEADER_BYTES), base ?? Buffer.alloc(0)]);
    expect(decodeCell(compacted)).toHaveLength(1);
    expect(readCell(compacted, NOW).hash).toEqual({ [`c0:${live}`]: '3', lc: '3' });
  });

  it('compacts to nothing when every gauge value and register bucket expired', () => {
    const cell = cellOf(
      { hash: ['g', 'g:c1', `${NOW - 10}|${NOW - 1}|sok`] },
      { hash: [], registers: [{ bucket: '0:1', expireAtMs: (NOW - 1) * 1000, pairs: [1, 1] }] },
    );
    expect(compactCell('GAUGE', cell, NOW)).toEqual({ base: undefined, pruned: 2 });
  });
});
