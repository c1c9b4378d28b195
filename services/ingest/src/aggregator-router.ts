import type { ChannelCredentials, ChannelOptions } from '@grpc/grpc-js';
import { credentials, makeClientConstructor } from '@grpc/grpc-js';
import type {
  AggregatorClient,
  CommitResponse__Output,
  Discovery,
  PartitionPart,
  PartResult__Output,
  TabaProtos,
} from '@taba/common';
import {
  fromGrpcError,
  inSpan,
  loadTabaProtos,
  ownerCountDetails,
  PartitionAssignment,
  SpanKind,
  TabaError,
  UnavailableError,
  unaryCall,
} from '@taba/common';
import { encodeCommitRequest } from './commit-encoding.js';

const RETRYABLE = new Set(['UNAVAILABLE', 'DEADLINE_EXCEEDED']);

type AggregatorConstructor = TabaProtos['taba']['internal']['v1']['Aggregator'];
let aggregatorConstructor: AggregatorConstructor | undefined;

/** The Aggregator client, its Commit requests written by encodeCommitRequest (same bytes). */
function aggregatorClient(): AggregatorConstructor {
  if (aggregatorConstructor) return aggregatorConstructor;
  const { service } = loadTabaProtos().taba.internal.v1.Aggregator;
  const commit = { ...service.Commit, requestSerialize: encodeCommitRequest };
  // The same service with one serializer swapped: grpc-js builds the same client class.
  aggregatorConstructor = makeClientConstructor(
    { ...service, Commit: commit },
    'taba.internal.v1.Aggregator',
  ) as unknown as AggregatorConstructor;
  return aggregatorConstructor;
}

export interface RouterOptions {
  readonly partitionCount: number;
  readonly deadlineMs: number;
  readonly attempts: number;
  readonly channelOptions: ChannelOptions;
  /** Credentials of the channels to the aggregators (the service's TlsCredentials). @default plaintext */
  readonly credentials?: ChannelCredentials;
  /** Pause before a retry, ms (doubles per attempt). @default 100 */
  readonly retryPauseMs?: number;
}

interface Member {
  readonly id: string;
  readonly address: string;
  readonly client: AggregatorClient;
}

/**
 * Sends each partition's part to the aggregator that owns it: rendezvous hashing with
 * bounded loads over the aggregators discovery reports. A part whose owner fails is
 * retried, against the owner of the moment; the high-water marks make a repeat harmless.
 */
export class AggregatorRouter {
  private members = new Map<string, Member>();
  private assignment: PartitionAssignment | undefined;
  private readonly unwatch: () => void;
  retries = 0;

  constructor(
    discovery: Discovery,
    private readonly options: RouterOptions,
  ) {
    this.unwatch = discovery.watch('aggregator', instances => this.update(instances));
  }

  private update(instances: readonly { id: string; address: string }[]): void {
    const Client = aggregatorClient();
    const next = new Map<string, Member>();
    for (const instance of instances) {
      const current = this.members.get(instance.id);
      if (current && current.address === instance.address) {
        next.set(instance.id, current);
      } else {
        const client = new Client(
          instance.address,
          this.options.credentials ?? credentials.createInsecure(),
          this.options.channelOptions,
        );
        next.set(instance.id, { ...instance, client });
      }
    }
    for (const [id, member] of this.members) {
      if (next.get(id) !== member) member.client.close();
    }
    this.members = next;
    this.assignment =
      next.size > 0
        ? new PartitionAssignment([...next.keys()], this.options.partitionCount)
        : undefined;
  }

  /** The aggregator that owns a partition now. */
  ownerOf(partition: number): Member {
    const owner = this.assignment
      ? this.members.get(this.assignment.ownerOf(partition))
      : undefined;
    if (!owner) throw new UnavailableError('NO_AGGREGATOR', 'no aggregator is available');
    return owner;
  }

  /**
   * Commits every part; resolves each part's result by partition, or fails the whole batch.
   * `deadlineAt` (epoch ms), the caller's deadline, bounds every attempt and ends the retries:
   * an answer after it would reach no one.
   */
  async commit(
    parts: readonly PartitionPart[],
    deadlineAt = Number.POSITIVE_INFINITY,
  ): Promise<Map<number, PartResult__Output>> {
    const results = new Map<number, PartResult__Output>();
    let pending: readonly PartitionPart[] = parts;
    let pause = this.options.retryPauseMs ?? 100;
    for (let attempt = 1; pending.length > 0; attempt += 1) {
      const deadlineMs = Math.min(this.options.deadlineMs, deadlineAt - Date.now());
      if (deadlineMs <= 0) {
        throw new TabaError(
          'DEADLINE_EXCEEDED',
          'CALLER_DEADLINE',
          `the caller's deadline passed before the batch was committed (attempt ${attempt})`,
        );
      }
      const byOwner = new Map<Member, PartitionPart[]>();
      for (const part of pending) {
        const owner = this.ownerOf(part.partition ?? 0);
        const list = byOwner.get(owner) ?? [];
        list.push(part);
        byOwner.set(owner, list);
      }
      const failed: PartitionPart[] = [];
      let lastError: TabaError | undefined;
      await Promise.all(
        [...byOwner].map(async ([owner, ownParts]) => {
          try {
            // One CLIENT span per aggregator and attempt: the aggregator's Commit is its child.
            const response = await inSpan(
              'aggregator.commit',
              {
                kind: SpanKind.CLIENT,
                attributes: {
                  'rpc.system': 'grpc',
                  'server.address': owner.address,
                  'taba.instance': owner.id,
                  'taba.parts': ownParts.length,
                  'taba.attempt': attempt,
                },
              },
              span => {
                if (span.isRecording()) {
                  span.setAttribute(
                    'taba.partitions',
                    ownParts.map(part => part.partition ?? 0),
                  );
                }
                return unaryCall<{ parts: PartitionPart[] }, CommitResponse__Output>(
                  (request, metadata, options, callback) =>
                    owner.client.commit(request, metadata, options, callback),
                  { parts: ownParts },
                  { deadlineMs },
                );
              },
            );
            for (const result of response.results) results.set(result.partition, result);
          } catch (error) {
            const tabaError = fromGrpcError(error);
            if (!RETRYABLE.has(tabaError.kind)) throw tabaError;
            lastError = tabaError;
            failed.push(...ownParts);
          }
        }),
      );
      if (failed.length === 0) break;
      if (attempt >= this.options.attempts) {
        throw new UnavailableError(
          'COMMIT_FAILED',
          `committing to the aggregators failed after ${attempt} attempts: ${lastError?.message ?? 'unavailable'}`,
          { cause: lastError },
        );
      }
      this.retries += failed.length;
      await new Promise(resolve => setTimeout(resolve, pause));
      pause *= 2;
      pending = failed;
    }
    return results;
  }

  /** For status: how many partitions each aggregator owns, as this router assigns them. */
  describe(): Record<string, string> {
    return ownerCountDetails(this.assignment);
  }

  close(): void {
    this.unwatch();
    for (const member of this.members.values()) member.client.close();
    this.members.clear();
  }
}
