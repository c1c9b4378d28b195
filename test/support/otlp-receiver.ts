// A small OTLP/HTTP trace receiver for tests: POST /v1/traces on 127.0.0.1:<free port>, in
// either encoding the exporters send (application/x-protobuf, decoded with otlp-trace.proto;
// application/json, OTLP's JSON mapping with hex ids), gzip or not. It keeps every span it
// was sent, flattened, and answers an empty success as a collector does.
import { readFileSync } from 'node:fs';
import type { IncomingMessage } from 'node:http';
import { createServer } from 'node:http';
import { gunzipSync } from 'node:zlib';
import protobuf from 'protobufjs';
import { LOOPBACK } from './free-port.js';
import { pollUntil } from './poll.js';

/** One received span, ids as lower-case hex ('' for no parent). */
export interface ReceivedSpan {
  readonly service: string;
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string;
  readonly name: string;
  /** OTLP's SpanKind: 1 internal, 2 server, 3 client. */
  readonly kind: number;
  readonly attributes: Readonly<Record<string, unknown>>;
  readonly links: readonly { readonly traceId: string; readonly spanId: string }[];
  /** OTLP's status code: 0 unset, 1 ok, 2 error. */
  readonly statusCode: number;
}

export interface OtlpReceiver {
  /** http://127.0.0.1:<port>: the value of OTEL_EXPORTER_OTLP_ENDPOINT. */
  readonly endpoint: string;
  readonly spans: readonly ReceivedSpan[];
  /** Export requests received, by content type. */
  readonly requests: Readonly<Record<string, number>>;
  /** Resolves once `predicate` holds for the spans received (polling). */
  waitFor(
    predicate: (spans: readonly ReceivedSpan[]) => boolean,
    timeoutMs?: number,
  ): Promise<void>;
  close(): Promise<void>;
}

const PROTO = protobuf
  .parse(readFileSync(new URL('./otlp-trace.proto', import.meta.url), 'utf8'))
  .root.lookupType('otlp.ExportTraceServiceRequest');

interface JsonAnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: number | string;
  doubleValue?: number;
  arrayValue?: { values?: JsonAnyValue[] };
}
interface JsonKeyValue {
  key: string;
  value?: JsonAnyValue;
}
interface JsonSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind?: number;
  attributes?: JsonKeyValue[];
  links?: { traceId: string; spanId: string }[];
  status?: { code?: number };
}
interface JsonRequest {
  resourceSpans?: {
    resource?: { attributes?: JsonKeyValue[] };
    scopeSpans?: { spans?: JsonSpan[] }[];
  }[];
}

function anyValueOf(value: JsonAnyValue | undefined): unknown {
  if (!value) return undefined;
  if (value.arrayValue) return (value.arrayValue.values ?? []).map(anyValueOf);
  if (value.intValue !== undefined) return Number(value.intValue);
  return value.stringValue ?? value.boolValue ?? value.doubleValue;
}

function attributesOf(list: readonly JsonKeyValue[] | undefined): Record<string, unknown> {
  return Object.fromEntries((list ?? []).map(({ key, value }) => [key, anyValueOf(value)]));
}

/** The protobuf request in the JSON mapping's shape: ids as hex, 64-bit ints as numbers. */
function fromProtobuf(body: Buffer): JsonRequest {
  return toJsonShape(PROTO.toObject(PROTO.decode(body), { longs: Number })) as JsonRequest;
}

/** protobufjs gives bytes as Buffers and fields in camelCase: hex the ids, keep the rest. */
function toJsonShape(value: unknown): unknown {
  if (Buffer.isBuffer(value) || value instanceof Uint8Array)
    return Buffer.from(value).toString('hex');
  if (Array.isArray(value)) return value.map(toJsonShape);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, toJsonShape(item)]));
  }
  return value;
}

function flatten(request: JsonRequest): ReceivedSpan[] {
  const spans: ReceivedSpan[] = [];
  for (const resourceSpans of request.resourceSpans ?? []) {
    const service = String(attributesOf(resourceSpans.resource?.attributes)['service.name'] ?? '');
    for (const scope of resourceSpans.scopeSpans ?? []) {
      for (const span of scope.spans ?? []) {
        spans.push({
          service,
          traceId: span.traceId,
          spanId: span.spanId,
          parentSpanId: span.parentSpanId ?? '',
          name: span.name,
          kind: span.kind ?? 0,
          attributes: attributesOf(span.attributes),
          links: (span.links ?? []).map(link => ({ traceId: link.traceId, spanId: link.spanId })),
          statusCode: span.status?.code ?? 0,
        });
      }
    }
  }
  return spans;
}

async function readAll(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const body = Buffer.concat(chunks);
  return request.headers['content-encoding'] === 'gzip' ? gunzipSync(body) : body;
}

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const requests: Record<string, number> = {};
  const server = createServer((request, response) => {
    const type = (request.headers['content-type'] ?? '').split(';')[0] ?? '';
    readAll(request)
      .then(body => {
        if (request.method !== 'POST' || request.url !== '/v1/traces') {
          response.writeHead(404).end();
          return;
        }
        const decoded =
          type === 'application/json'
            ? (JSON.parse(body.toString('utf8')) as JsonRequest)
            : fromProtobuf(body);
        requests[type] = (requests[type] ?? 0) + 1;
        spans.push(...flatten(decoded));
        if (type === 'application/json') {
          response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
        } else {
          response.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
        }
      })
      .catch((error: unknown) => {
        response.writeHead(400).end(String(error));
      });
  });
  await new Promise<void>(resolve => server.listen(0, LOOPBACK, resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    endpoint: `http://${LOOPBACK}:${port}`,
    spans,
    requests,
    waitFor: (predicate, timeoutMs = 10_000) =>
      pollUntil(() => (predicate(spans) ? true : undefined), {
        timeoutMs,
        what: 'the spans expected',
      }).then(() => undefined),
    close: () => new Promise(resolve => server.close(() => resolve())),
  };
}
