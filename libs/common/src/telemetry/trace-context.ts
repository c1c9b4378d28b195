import type { ChannelOptions, Interceptor, Metadata } from '@grpc/grpc-js';
import { InterceptingCall } from '@grpc/grpc-js';
import type { Context, TextMapGetter, TextMapSetter } from '@opentelemetry/api';
import { context, propagation, ROOT_CONTEXT } from '@opentelemetry/api';

// W3C trace context (`traceparent`, `tracestate`) in and out of gRPC metadata, HTTP headers and
// the internal stream messages. With no SDK started the API's propagator is a no-op: nothing is
// read or written.

const metadataGetter: TextMapGetter<Metadata> = {
  keys: metadata => Object.keys(metadata.getMap()),
  get: (metadata, key) => {
    const values = metadata.get(key);
    return values.length === 0 ? undefined : values.map(String);
  },
};

const metadataSetter: TextMapSetter<Metadata> = {
  set: (metadata, key, value) => metadata.set(key, value),
};

/** The context a call's metadata carries (a caller's `traceparent`), or the root one. */
export function contextFromMetadata(metadata: Metadata): Context {
  return propagation.extract(ROOT_CONTEXT, metadata, metadataGetter);
}

/** The context of an HTTP request's headers (node:http's lower-cased headers). */
export function contextFromHeaders(
  headers: Record<string, string | string[] | undefined>,
): Context {
  return propagation.extract(ROOT_CONTEXT, headers);
}

/** Trace context as it travels inside a message (IngestStreamRequest): empty strings for none. */
export interface TraceCarrier {
  traceparent?: string;
  tracestate?: string;
}

/** The active context as message fields; `{}` when there is nothing to carry. */
export function activeTraceCarrier(): TraceCarrier {
  const carrier: TraceCarrier = {};
  propagation.inject(context.active(), carrier);
  return carrier;
}

/** The context carried by a message's fields, or the root one. */
export function contextFromCarrier(carrier: TraceCarrier): Context {
  return propagation.extract(ROOT_CONTEXT, carrier);
}

/**
 * A client interceptor that writes the active context into every call's metadata: the W3C
 * `traceparent` of the span that makes the call. grpc-js starts the call synchronously inside
 * the caller's code, so the active context is the caller's.
 */
export function traceContextInterceptor(): Interceptor {
  return (options, nextCall) =>
    new InterceptingCall(nextCall(options), {
      start: (metadata, listener, next) => {
        propagation.inject(context.active(), metadata, metadataSetter);
        next(metadata, listener);
      },
    });
}

/** `options` with {@link traceContextInterceptor} added: the channel options of an internal client. */
export function withTraceContext(options: ChannelOptions): ChannelOptions {
  const interceptors = (options.interceptors as Interceptor[] | undefined) ?? [];
  return { ...options, interceptors: [...interceptors, traceContextInterceptor()] };
}
