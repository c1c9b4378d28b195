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
 * - an acknowledged batch with refused events (`code` 'REJECTED_EVENTS', `rejections` set);
 * - notice that this client's session took its client ID over from an older session
 *   (`code` 'FENCED_OLDER_SESSION', `events` 0): the first batch after a restart, or another
 *   live process with the same client ID, which is now refused with SESSION_FENCED.
 * A refused batch's `reason` is the gateway's `taba-reason`, e.g. SEQ_REGRESSION (another
 * sender used this client ID and session with a higher seq) or SESSION_FENCED (a newer process
 * took this client ID over: this one should stop or get its own client ID); neither is retried.
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
    /** The gateway's `taba-reason` of a failed attempt ('' when it gave none). */
    readonly reason = '',
  ) {
    super(message, options);
  }
}
