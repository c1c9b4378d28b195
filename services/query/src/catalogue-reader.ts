/**
 * Keeps the Tab catalogue (tab-catalogue.ts) as fresh as a request needs: given the partition
 * versions the request read, it re-reads the partitions kept at an older version. A partition
 * being re-read already is waited for, not read again, so a burst of requests after a write
 * reads it once or twice, not once each; when that read turns out older than the request's
 * version (a write came between), the partition is read again, by a read begun after the
 * request's versions were read, which cannot be older. Of two re-reads of one partition the
 * later-begun one wins, whichever answers first.
 */
import { ResourceExhaustedError } from '@taba/common';
import type { TabCatalogue } from './tab-catalogue.js';

/** One partition's Tabs (name → type spec), read after its version. */
export interface PartitionTypes {
  readonly version: number;
  readonly types: ReadonlyMap<string, string>;
}

interface Flight {
  readonly started: number;
  readonly done: Promise<void>;
}

export class CatalogueReader {
  /** Orders the re-reads of this process. */
  private sequence = 0;
  private readonly inFlight = new Map<number, Flight>();
  /** The start of the re-read each partition's kept Tabs came from. */
  private readonly appliedFrom: Float64Array;
  /** Partitions re-read since start. */
  partitionsRead = 0;

  constructor(
    readonly catalogue: TabCatalogue,
    private readonly read: (partitions: readonly number[]) => Promise<PartitionTypes[]>,
  ) {
    this.appliedFrom = new Float64Array(catalogue.partitionCount);
  }

  /**
   * The catalogue, holding for every partition Tabs at least as new as `versions` (read by the
   * caller before this call). Refuses with CATALOGUE_TOO_LARGE while the Tabs do not all fit
   * its byte bound.
   */
  async refresh(versions: readonly number[]): Promise<TabCatalogue> {
    // First wait for the re-reads under way; then read what is still behind ourselves.
    for (const join of [true, false]) {
      const behind = this.catalogue.behind(versions);
      if (behind.length === 0) break;
      const waits: Promise<void>[] = [];
      const own: number[] = [];
      for (const partition of behind) {
        const flight = join ? this.inFlight.get(partition) : undefined;
        if (flight) waits.push(flight.done);
        else own.push(partition);
      }
      if (own.length > 0) waits.push(this.start(own));
      await Promise.all(waits);
    }
    if (!this.catalogue.complete) {
      const { tabs, bytes, maxBytes, overflowing } = this.catalogue.stats();
      throw new ResourceExhaustedError(
        'CATALOGUE_TOO_LARGE',
        `the Tab names do not fit this instance's catalogue: ${tabs} Tabs take ${bytes} bytes and ${overflowing} partitions more would pass the limit of ${maxBytes} bytes (TABA_QUERY_CATALOGUE_BYTES); name Tabs exactly, or raise the limit`,
      );
    }
    return this.catalogue;
  }

  private start(partitions: readonly number[]): Promise<void> {
    this.sequence += 1;
    const started = this.sequence;
    this.partitionsRead += partitions.length;
    const done = this.read(partitions)
      .then(results => {
        partitions.forEach((partition, i) => {
          const result = results[i];
          if (!result || started < (this.appliedFrom[partition] ?? 0)) return;
          this.catalogue.apply(partition, result.version, result.types);
          this.appliedFrom[partition] = started;
        });
      })
      .finally(() => {
        for (const partition of partitions) {
          if (this.inFlight.get(partition)?.started === started) this.inFlight.delete(partition);
        }
      });
    for (const partition of partitions) this.inFlight.set(partition, { started, done });
    return done;
  }
}
