// The front door of @taba/client: every export is listed by name.
export type { RecordOptions, TabaClientStats } from './client.js';
export { DEFAULT_CLOSE_TIMEOUT_MS, TabaClient } from './client.js';
export type { BatchHeader, EncodableColumn } from './encode.js';
export { encodeEventBatch, TAB_TYPE_NUMBERS } from './encode.js';
export type { RejectedEvent } from './errors.js';
export { TabaClientError } from './errors.js';
export type { DropReason, DropReport, RetryOptions, TabaClientOptions } from './options.js';
export type { ClientTlsFiles } from '@taba/common';
export { backoffMs, DEFAULT_CLIENT_OPTIONS } from './options.js';
