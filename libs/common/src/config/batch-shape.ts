import type { Env } from './env-readers.js';
import { readInteger } from './env-readers.js';

/** The limits that bound one EventBatch, and so the bytes of every message carrying one. */
export interface BatchShape {
  /** TABA_MAX_BATCH_EVENTS. @default 100000 */
  readonly maxBatchEvents: number;
  /** TABA_MAX_BATCH_TABS: distinct Tabs per batch. @default 10000 */
  readonly maxBatchTabs: number;
  /** TABA_MAX_NAME_LENGTH. @default 256 */
  readonly maxNameLength: number;
  /** TABA_MAX_CLIENT_ID_LENGTH. @default 256 */
  readonly maxClientIdLength: number;
}

export const DEFAULT_BATCH_SHAPE: BatchShape = {
  maxBatchEvents: 100_000,
  maxBatchTabs: 10_000,
  maxNameLength: 256,
  maxClientIdLength: 256,
};

/** Reads the batch limits (ingest enforces them; every service sizes its messages by them). */
export function readBatchShape(env: Env): BatchShape {
  const d = DEFAULT_BATCH_SHAPE;
  return Object.freeze({
    maxBatchEvents: readInteger(env, 'TABA_MAX_BATCH_EVENTS', d.maxBatchEvents, {
      min: 1,
      max: 10_000_000,
    }),
    maxBatchTabs: readInteger(env, 'TABA_MAX_BATCH_TABS', d.maxBatchTabs, {
      min: 1,
      max: 1_000_000,
    }),
    maxNameLength: readInteger(env, 'TABA_MAX_NAME_LENGTH', d.maxNameLength, { min: 1, max: 1024 }),
    maxClientIdLength: readInteger(env, 'TABA_MAX_CLIENT_ID_LENGTH', d.maxClientIdLength, {
      min: 1,
      max: 1024,
    }),
  });
}

const MIB = 1024 * 1024;
/** An event's timestamp, value and expiry, each an unpacked double: tag + 8 bytes. */
const EVENT_BYTES = 27;
/** A column's framing, type and a few packed-field headers besides its name. */
const COLUMN_OVERHEAD_BYTES = 32;
/** The batch's own fields besides the client ID (seq, sent_at, tags). */
const BATCH_OVERHEAD_BYTES = 1024;

/**
 * The bytes of the largest batch of numeric events the limits allow, whatever its layout
 * (every double unpacked), rounded up to a whole MiB: 6 MiB with the defaults. A batch of
 * long string values can be larger; it must stay within TABA_MAX_MESSAGE_BYTES, or be split.
 */
export function largestBatchBytes(shape: BatchShape): number {
  const bytes =
    BATCH_OVERHEAD_BYTES +
    shape.maxClientIdLength +
    shape.maxBatchTabs * (shape.maxNameLength + COLUMN_OVERHEAD_BYTES) +
    shape.maxBatchEvents * EVENT_BYTES;
  return Math.ceil(bytes / MIB) * MIB;
}
