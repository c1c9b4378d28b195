import { randomUUID } from 'node:crypto';
import type {
  Clock,
  HandlerRegistry,
  PartitionPart,
  PartResult__Output,
  PostEventsResponse,
  RejectCode__Output,
  Span,
  TraceContext,
} from '@taba/common';
import {
  checkClientId,
  decodeEventBatch,
  InflightBudget,
  inSpan,
  parseTypeSpec,
  ResourceExhaustedError,
  SpanKind,
} from '@taba/common';
import type { AggregatorRouter } from './aggregator-router.js';
import { BatchAdmission } from './batch-admission.js';
import type { BatchRejection, FoldedBatch } from './batch-folding.js';
import { foldBatch } from './batch-folding.js';
import { ClientTurns } from './client-turns.js';
import type { IngestConfig } from './config.js';
import type { IngestStats } from './ingest-stats.js';
import { checkSequence, readSeqOutcome } from './seq-contract.js';
import type { TypeCache } from './type-cache.js';

/**
 * What the Ingest RPC does with a batch: decode, check, resolve types, fold into one
 * Delta per Tab, commit every partition's part through its aggregator, and answer with
 * what was applied and why anything was not.
 */
export class IngestPipeline {
  private readonly turns = new ClientTurns();

  constructor(
    private readonly config: IngestConfig,
    private readonly registry: HandlerRegistry,
    private readonly types: TypeCache,
    private readonly router: AggregatorRouter,
    private readonly clock: Clock,
    private readonly stats: IngestStats,
    /** Batch bytes in flight: refused beyond it (back-pressure). */
    readonly budget = new InflightBudget(
      config.maxInflightBytes,
      'batch bytes',
      'TABA_INGEST_MAX_INFLIGHT_BYTES',
    ),
    /** Admission by time (TABA_INGEST_MAX_QUEUE_MS, the caller's deadline). */
    readonly admission = new BatchAdmission({ maxQueueMs: config.maxQueueMs }),
  ) {}

  /**
   * One batch, in a SERVER span whose parent is `parent` (the caller's trace context).
   * `deadlineAt`: the caller's deadline, epoch ms (none for a stream's batches): it bounds the
   * wait for admission and every Commit of the batch.
   */
  ingest(
    bytes: Uint8Array,
    parent?: TraceContext,
    deadlineAt?: number,
  ): Promise<PostEventsResponse> {
    return inSpan(
      'ingest.batch',
      {
        kind: SpanKind.SERVER,
        attributes: { 'taba.batch.bytes': bytes.byteLength },
        ...(parent && { parent }),
      },
      async span => {
        const admitted = this.admission.admit(
          bytes.byteLength,
          deadlineAt === undefined ? undefined : deadlineAt - Date.now(),
        );
        try {
          const release = this.budget.acquire(bytes.byteLength);
          const started = performance.now();
          try {
            const response = await this.process(bytes, span, deadlineAt);
            this.stats.latencyMs.add(performance.now() - started);
            return response;
          } finally {
            release();
          }
        } finally {
          admitted();
        }
      },
    );
  }

  private async process(
    bytes: Uint8Array,
    span: Span,
    deadlineAt: number | undefined,
  ): Promise<PostEventsResponse> {
    const batch = await inSpan('ingest.decode', {}, () => this.decode(bytes));
    if (span.isRecording()) {
      span.setAttributes({
        'taba.client_id': batch.clientId,
        'taba.batch.tabs': batch.tabs.length,
        'taba.batch.seq': batch.seq,
      });
    }
    this.stats.batches += 1;
    return this.turns.run(batch.clientId, async () => {
      const { folded, parts } = await inSpan('ingest.fold', {}, async foldSpan => {
        const stored = await this.types.lookup(batch.tabs.map(tab => tab.name));
        const folded = foldBatch(batch, {
          registry: this.registry,
          limits: this.config.limits,
          partitionCount: this.config.cluster.partitionCount,
          now: this.clock.nowSeconds(),
          storedSpec: name => stored.get(name),
          bufferCapacity: this.config.handlerSettings.bufferCapacity,
          uniqPrefix: uniqPrefixOf(batch),
        });
        const parts = commitParts(folded, batch);
        foldSpan.setAttributes({
          'taba.parts': parts.length,
          'taba.rejected': folded.rejections.length,
        });
        return { folded, parts };
      });
      const results: Map<number, PartResult__Output> =
        parts.length > 0 ? await this.router.commit(parts, deadlineAt) : new Map();

      const rejections: BatchRejection[] = folded.rejections;
      let columnLengths: number[] | undefined;
      let applied = 0;
      let duplicates = 0;
      for (const [partition, tabs] of folded.parts) {
        const result = results.get(partition);
        if (result?.refused) continue;
        if (result?.duplicate) duplicates += 1;
        // Conflicts and refusals are rare: a part without any needs no lookup table.
        const conflicts =
          result && result.conflicts.length > 0
            ? new Map(result.conflicts.map(c => [c.name, c.storedType]))
            : undefined;
        const refused =
          result && result.refusedTabs.length > 0
            ? new Map(result.refusedTabs.map(r => [r.name, r.cap]))
            : undefined;
        for (const tab of tabs) {
          const name = tab.delta.name ?? '';
          const storedType = conflicts?.get(name);
          const cap = refused?.get(name);
          if (storedType === undefined && cap === undefined) {
            applied += tab.count;
            continue;
          }
          let code: RejectCode__Output;
          let reason: string;
          if (storedType !== undefined) {
            this.types.remember(name, storedType);
            code =
              parseTypeSpec(storedType).type === tab.delta.type
                ? 'INVALID_BOUNDS'
                : 'TYPE_CONFLICT';
            reason = `Tab "${name}" is stored as ${storedType}; these events are ${tab.delta.type}`;
          } else {
            code = 'TAB_LIMIT';
            reason = tabLimitReason(name, batch.clientId, cap ?? '');
          }
          columnLengths ??= batch.tabs.map(tab =>
            tab.strings.length > 0 ? tab.strings.length : tab.values.length,
          );
          for (const index of tab.positions()) {
            rejections.push({ index, ...locate(columnLengths, index), code, reason });
          }
        }
      }
      // foldBatch's rejections come sorted; only conflicts and refusals added here need a sort.
      if (columnLengths) rejections.sort((a, b) => a.index - b.index);
      span.setAttributes({ 'taba.applied': applied, 'taba.rejected': rejections.length });
      this.stats.recordOutcome(applied, rejections, duplicates);
      this.stats.appliedRate.add(applied);
      const seqOutcome = readSeqOutcome(batch, results.values(), applied);
      this.stats.recordSeqOutcome(seqOutcome);
      if (seqOutcome.refusal) throw seqOutcome.refusal;
      return {
        applied,
        rejectedCount: rejections.length,
        rejected: rejections.slice(0, this.config.maxListedRejections),
        duplicate: parts.length > 0 && duplicates === parts.length,
        fencedOlderSession: seqOutcome.fencedSession !== undefined,
        fencedSession: seqOutcome.fencedSession ?? 0,
      };
    });
  }

  /** Decodes the batch and checks it against the limits: the `ingest.decode` span. */
  private decode(bytes: Uint8Array): ReturnType<typeof decodeEventBatch> {
    const batch = decodeEventBatch(bytes);
    checkClientId(batch.clientId, this.config.limits);
    let eventCount = 0;
    for (const tab of batch.tabs)
      eventCount += tab.strings.length > 0 ? tab.strings.length : tab.values.length;
    if (eventCount > this.config.maxBatchEvents) {
      throw new ResourceExhaustedError(
        'BATCH_TOO_LARGE',
        `the batch has ${eventCount} events; the limit is ${this.config.maxBatchEvents} (TABA_MAX_BATCH_EVENTS)`,
      );
    }
    checkDistinctTabs(batch.tabs, this.config.maxBatchTabs);
    checkSequence(batch, this.clock.nowSeconds(), this.config.limits.futureSkewSeconds);
    this.stats.eventsReceived += eventCount;
    return batch;
  }
}

/** Why a Tab was refused by a cardinality cap (the aggregator's TabRefusal.cap). */
export function tabLimitReason(tab: string, client: string, cap: string): string {
  switch (cap) {
    case 'TABS':
      return `Tab "${tab}" is new and the cluster holds as many Tabs as TABA_MAX_TABS allows`;
    case 'TABS_PER_CLIENT':
      return `Tab "${tab}" is new for client "${client}", which writes as many Tabs as TABA_MAX_TABS_PER_CLIENT allows`;
    case 'CLIENTS_PER_TAB':
      return `Tab "${tab}" has as many clients as TABA_MAX_CLIENTS_PER_TAB allows; client "${client}" is new to it`;
    default:
      return `Tab "${tab}" is past a cardinality cap (${cap})`;
  }
}

/** The Commit's parts of a folded batch: one per partition, its Tabs' Deltas in order. */
export function commitParts(
  folded: FoldedBatch,
  batch: { readonly clientId: string; readonly seq: number; readonly session: number },
): PartitionPart[] {
  const { clientId, seq, session } = batch;
  const parts: PartitionPart[] = [];
  for (const [partition, tabs] of folded.parts) {
    parts.push({ partition, clientId, seq, tabs: tabs.map(tab => tab.delta), session });
  }
  return parts;
}

/**
 * What keeps a batch's Buffer entries apart from other batches' of the client: its (session,
 * seq), the same on every retry (so a retried part is the same part), or a nonce for seq 0.
 */
function uniqPrefixOf(batch: { readonly seq: number; readonly session: number }): string {
  if (batch.seq === 0) return randomUUID().slice(0, 8);
  return batch.session > 0 ? `${batch.session}-${batch.seq}` : String(batch.seq);
}

/**
 * Refuses a batch with more distinct Tabs than `limit`: every Tab of a batch is a State cell
 * committed atomically with it, so the commit's size must stay bounded (TABA_MAX_BATCH_TABS).
 */
function checkDistinctTabs(tabs: readonly { readonly name: string }[], limit: number): void {
  if (tabs.length <= limit) return;
  const distinct = new Set(tabs.map(tab => tab.name)).size;
  if (distinct <= limit) return;
  throw new ResourceExhaustedError(
    'TOO_MANY_TABS',
    `the batch has ${distinct} distinct Tabs; the limit is ${limit} (TABA_MAX_BATCH_TABS): send it as smaller batches`,
  );
}

/** The column and the event inside it of a batch position. */
function locate(columnLengths: readonly number[], index: number): { tab: number; event: number } {
  let start = 0;
  for (let tab = 0; tab < columnLengths.length; tab += 1) {
    const length = columnLengths[tab] ?? 0;
    if (index < start + length) return { tab, event: index - start };
    start += length;
  }
  return { tab: columnLengths.length, event: 0 };
}
