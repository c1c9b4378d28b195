import type {
  PostEventsResponse__Output,
  Rejection__Output,
  StreamEventsResponse,
} from './contract.js';

/**
 * Sums the answers to the batches of one StreamEvents call. Counts are exact; rejections are
 * listed in batch order, each with its `batch` index, up to `maxListed`.
 */
export class StreamSummary {
  private batches = 0;
  private applied = 0;
  private rejectedCount = 0;
  private duplicates = 0;
  private readonly rejected: Rejection__Output[] = [];

  constructor(private readonly maxListed: number) {}

  /** Adds the answer to the next batch of the stream. */
  add(response: PostEventsResponse__Output): void {
    const batch = this.batches;
    this.batches += 1;
    this.applied += response.applied;
    this.rejectedCount += response.rejectedCount;
    if (response.duplicate) this.duplicates += 1;
    for (const rejection of response.rejected) {
      if (this.rejected.length >= this.maxListed) break;
      this.rejected.push({ ...rejection, batch });
    }
  }

  result(): StreamEventsResponse {
    return {
      batches: this.batches,
      applied: this.applied,
      rejectedCount: this.rejectedCount,
      rejected: this.rejected,
      duplicates: this.duplicates,
    };
  }
}
