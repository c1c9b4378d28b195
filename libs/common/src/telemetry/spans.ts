import type { Attributes, Context, Link, Span, SpanContext } from '@opentelemetry/api';
import { context, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { fromGrpcError, isGrpcServiceError } from '../errors/grpc-status.js';
import { isTabaError } from '../errors/taba-error.js';

/**
 * The one tracer of the code. Until an SDK registers a provider (start-tracing.ts, only when an
 * exporter is configured) it is the API's no-op tracer: every span is a non-recording one.
 */
const tracer = trace.getTracer('taba');

export type { Context as TraceContext, Span, SpanContext } from '@opentelemetry/api';
export { SpanKind };

/** The context with no span: the parent of a span that starts a trace of its own (with links). */
export const ROOT_TRACE_CONTEXT = ROOT_CONTEXT;

export interface SpanOptions {
  readonly kind?: SpanKind;
  readonly attributes?: Attributes;
  /** @default the active context */
  readonly parent?: Context;
  readonly links?: Link[];
}

/**
 * Marks a span failed with the error's message and, for a TabaError or a callee's gRPC status,
 * its kind and `taba-reason`.
 */
function recordFailure(span: Span, error: unknown): void {
  if (!span.isRecording()) return;
  const message = error instanceof Error ? error.message : String(error);
  span.setStatus({ code: SpanStatusCode.ERROR, message });
  if (isTabaError(error) || isGrpcServiceError(error)) {
    const taba = fromGrpcError(error);
    span.setAttributes({ 'taba.error.kind': taba.kind, 'taba.reason': taba.reason });
  }
  if (error instanceof Error) span.recordException(error);
}

/**
 * Runs `fn` inside a new span, active for what `fn` calls (so its spans and outgoing calls are
 * its children), and ends it when `fn` settles; a failure marks it and is rethrown.
 */
export function inSpan<T>(
  name: string,
  options: SpanOptions,
  fn: (span: Span) => Promise<T> | T,
): Promise<T> {
  const parent = options.parent ?? context.active();
  const span = tracer.startSpan(
    name,
    {
      kind: options.kind ?? SpanKind.INTERNAL,
      attributes: options.attributes,
      links: options.links,
    },
    parent,
  );
  return context.with(trace.setSpan(parent, span), async () => {
    try {
      return await fn(span);
    } catch (error) {
      recordFailure(span, error);
      throw error;
    } finally {
      span.end();
    }
  });
}

/** The active span's context when it is a real (sampled or recorded) one: what a link points at. */
export function activeSpanContext(): SpanContext | undefined {
  const span = trace.getActiveSpan();
  return span?.isRecording() ? span.spanContext() : undefined;
}

/** Adds attributes to the active span, if it records (a figure known only part way through). */
export function annotateActiveSpan(attributes: Attributes): void {
  const span = trace.getActiveSpan();
  if (span?.isRecording()) span.setAttributes(attributes);
}

/** Marks a span failed without an error object (e.g. a server span answered with a 5xx). */
export function markSpanFailed(span: Span, message: string): void {
  span.setStatus({ code: SpanStatusCode.ERROR, message });
}
