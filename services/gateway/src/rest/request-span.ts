import type { IncomingMessage, ServerResponse } from 'node:http';
import { contextFromHeaders, inSpan, markSpanFailed, SpanKind } from '@taba/common';

/**
 * Runs `serve` inside a SERVER span whose parent is the caller's `traceparent` header, if any.
 * Named `METHOD /path` once answered (every route is a fixed path, so the name stays
 * low-cardinality), or `METHOD` alone for a path no route knows (404); failed on a 5xx.
 */
export function inRequestSpan(
  request: IncomingMessage,
  response: ServerResponse,
  serve: () => Promise<void>,
): Promise<void> {
  const method = request.method ?? 'GET';
  return inSpan(
    method,
    {
      kind: SpanKind.SERVER,
      parent: contextFromHeaders(request.headers),
      attributes: { 'http.request.method': method },
    },
    async span => {
      await serve();
      if (!span.isRecording()) return;
      const target = request.url ?? '/';
      const query = target.indexOf('?');
      const path = query < 0 ? target : target.slice(0, query);
      span.setAttributes({ 'url.path': path, 'http.response.status_code': response.statusCode });
      if (response.statusCode !== 404) {
        span.setAttribute('http.route', path);
        span.updateName(`${method} ${path}`);
      }
      // A 4xx is the caller's doing; a 5xx (a dependency unavailable, a deadline) is ours.
      if (response.statusCode >= 500) markSpanFailed(span, `answered ${response.statusCode}`);
    },
  );
}
