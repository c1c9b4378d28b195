import { isTabaError } from '@taba/common';
import { describe, expect, it } from 'vitest';
import type { PartitionTypes } from './catalogue-reader.js';
import { CatalogueReader } from './catalogue-reader.js';
import { TabCatalogue } from './tab-catalogue.js';

/** A stand-in for Redis: every read waits until the test answers it. */
class Reads {
  readonly pending: {
    partitions: readonly number[];
    answer: (results: PartitionTypes[]) => void;
  }[] = [];

  read = (partitions: readonly number[]): Promise<PartitionTypes[]> =>
    new Promise(answer => this.pending.push({ partitions, answer }));

  answer(at: number, results: PartitionTypes[]): void {
    this.pending[at]?.answer(results);
  }
}

const tabs = (version: number, entries: Record<string, string>): PartitionTypes => ({
  version,
  types: new Map(Object.entries(entries)),
});

const settle = () => new Promise(resolve => setImmediate(resolve));

describe('CatalogueReader', () => {
  it('reads only the partitions whose version moved since the last read', async () => {
    const reads = new Reads();
    const reader = new CatalogueReader(new TabCatalogue(3, 1 << 20), reads.read);
    const first = reader.refresh([1, 0, 2]);
    await settle();
    expect(reads.pending.map(read => read.partitions)).toEqual([[0, 1, 2]]);
    reads.answer(0, [tabs(1, { 'a.x': 'GAUGE' }), tabs(0, {}), tabs(2, { 'c.x': 'BUFFER' })]);
    expect((await first).names()).toEqual(['a.x', 'c.x']);

    const again = reader.refresh([1, 0, 3]);
    await settle();
    expect(reads.pending[1]?.partitions).toEqual([2]);
    reads.answer(1, [tabs(3, { 'c.x': 'BUFFER', 'c.y': 'GAUGE' })]);
    expect((await again).names()).toEqual(['a.x', 'c.x', 'c.y']);
    expect(reader.partitionsRead).toBe(4);

    // Nothing moved: no read at all.
    await reader.refresh([1, 0, 3]);
    expect(reads.pending).toHaveLength(2);
  });

  it('waits for a re-read under way instead of reading the partition again', async () => {
    const reads = new Reads();
    const reader = new CatalogueReader(new TabCatalogue(1, 1 << 20), reads.read);
    const first = reader.refresh([4]);
    const second = reader.refresh([4]);
    const third = reader.refresh([3]);
    await settle();
    expect(reads.pending).toHaveLength(1);
    reads.answer(0, [tabs(4, { 'a.x': 'GAUGE' })]);
    expect((await second).names()).toEqual(['a.x']);
    await Promise.all([first, third]);
    expect(reads.pending).toHaveLength(1);
    expect(reader.partitionsRead).toBe(1);
  });

  it('reads again, itself, when the read it waited for is older than its versions', async () => {
    const reads = new Reads();
    const reader = new CatalogueReader(new TabCatalogue(1, 1 << 20), reads.read);
    const first = reader.refresh([1]);
    // A write came: this request saw version 2 while the first read was under way.
    const later = reader.refresh([2]);
    await settle();
    expect(reads.pending).toHaveLength(1);
    reads.answer(0, [tabs(1, { 'a.old': 'GAUGE' })]);
    await first;
    await settle();
    expect(reads.pending).toHaveLength(2);
    reads.answer(1, [tabs(2, { 'a.new': 'GAUGE' })]);
    expect((await later).names()).toEqual(['a.new']);
  });

  it('keeps the answer of the later read when an earlier one answers last', async () => {
    const reads = new Reads();
    const catalogue = new TabCatalogue(1, 1 << 20);
    const reader = new CatalogueReader(catalogue, reads.read);
    const first = reader.refresh([1]);
    const second = reader.refresh([2]);
    const third = reader.refresh([2]);
    await settle();
    reads.answer(0, [tabs(1, { 'a.x': 'GAUGE' })]);
    await first;
    await settle();
    // Both found the shared read too old and read again, each itself.
    expect(reads.pending).toHaveLength(3);
    reads.answer(2, [tabs(3, { 'a.new': 'GAUGE' })]);
    await third;
    reads.answer(1, [tabs(2, { 'a.old': 'GAUGE' })]);
    await second;
    expect(catalogue.names()).toEqual(['a.new']);
    expect(catalogue.behind([3])).toEqual([]);
  });

  it('refuses with CATALOGUE_TOO_LARGE while the Tabs do not fit its bytes', async () => {
    const reads = new Reads();
    const reader = new CatalogueReader(new TabCatalogue(2, 200), reads.read);
    const refresh = reader.refresh([1, 1]);
    await settle();
    reads.answer(0, [tabs(1, { 'a.x': 'GAUGE' }), tabs(1, { 'b.x': 'GAUGE' })]);
    const error = await refresh.then(
      () => undefined,
      (failure: unknown) => failure,
    );
    expect(isTabaError(error) && error.kind).toBe('RESOURCE_EXHAUSTED');
    expect(isTabaError(error) && error.reason).toBe('CATALOGUE_TOO_LARGE');
    expect(String((error as Error).message)).toContain(
      '1 Tabs take 144 bytes and 1 partitions more would pass the limit of 200 bytes (TABA_QUERY_CATALOGUE_BYTES)',
    );
  });

  it('passes a failed read on and reads again next time', async () => {
    const catalogue = new TabCatalogue(1, 1 << 20);
    let fail = true;
    const reader = new CatalogueReader(catalogue, async () => {
      if (fail) throw new Error('shard down');
      return [tabs(1, { 'a.x': 'GAUGE' })];
    });
    await expect(reader.refresh([1])).rejects.toThrow('shard down');
    fail = false;
    expect((await reader.refresh([1])).names()).toEqual(['a.x']);
  });
});
