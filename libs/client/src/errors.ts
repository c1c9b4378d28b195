/** One event the gateway refused, as the client reports it. */
export interface RejectedEvent {
  /** The Tab's name. */
  readonly name: string;
  /** Index of the event within its column of the batch. */
  readonly event: number;
  /** The RejectCode name, e.g. LATE, TYPE_CONFLICT. */
  readonly code: string;
  readonly reason: string;
}

/**
 * What `onError` receives:
 * - a failed attempt that will be retried (`retrying` true; `code` is the gRPC status name);
 * - a batch the gateway refused for good (`retrying` false, e.g. INVALID_ARGUMENT): its events
 *   are dropped and counted in `stats().dropped.rejectedBatch`;
 * - an acknowledged batch with refused events (`code` 'REJECTED_EVENTS', `rejections` set).
 */
export class TabaClientError extends Error {
  override readonly name = 'TabaClientError';
  constructor(
    message: string,
    /** gRPC status name (UNAVAILABLE, INVALID_ARGUMENT, …) or 'REJECTED_EVENTS'. */
    readonly code: string,
    /** The batch's sequence number. */
    readonly seq: number,
    /** Events in the batch (for REJECTED_EVENTS: how many were refused). */
    readonly events: number,
    /** True when the batch will be sent again. */
    readonly retrying: boolean,
    /** REJECTED_EVENTS: the refusals the gateway listed (it may list fewer than it counted). */
    readonly rejections: readonly RejectedEvent[] = [],
    options?: { readonly cause?: unknown },
  ) {
    super(message, options);
  }
}
