import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One received span, flattened from an OTLP/HTTP JSON export. */
export interface ReceivedSpan {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId: string | undefined;
  readonly name: string;
  /** OTLP span kind: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  readonly kind: number;
  readonly attributes: Readonly<Record<string, unknown>>;
  readonly resource: Readonly<Record<string, unknown>>;
  /** OTLP status code: 0 unset, 1 ok, 2 error. */
  readonly status: number;
  readonly links: readonly { traceId: string; spanId: string }[];
  /** Start and end, in milliseconds since the epoch (from the export's nanoseconds). */
  readonly startMs: number;
  readonly endMs: number;
}

/** A running OTLP/HTTP trace receiver on 127.0.0.1 (a free port). */
export interface OtlpReceiver {
  /** The base URL (give it to --otel / startTracing). */
  readonly url: string;
  readonly spans: ReceivedSpan[];
  /** How many export requests arrived (decoded or, when `discard`, not). */
  readonly requests: number;
  close(): Promise<void>;
}

type AnyValue = { stringValue?: string; intValue?: number | string; boolValue?: boolean; doubleValue?: number; arrayValue?: { values?: AnyValue[] } };
type KeyValue = { key: string; value: AnyValue };

/**
 * Receives OTLP/HTTP JSON trace exports on POST /v1/traces and keeps every span (or, with
 * `discard`, only counts the requests: a sink for benchmarks). Answers 200 `{}` like a collector.
 */
export async function startOtlpReceiver(options: { discard?: boolean } = {}): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  let requests = 0;
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => {
      if (!options.discard) chunks.push(chunk);
    });
    request.on('end', () => {
      requests++;
      if (!options.discard && request.url === '/v1/traces') {
        try {
          spans.push(...decode(JSON.parse(Buffer.concat(chunks).toString('utf8'))));
        } catch {
          response.writeHead(400).end();
          return;
        }
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    spans,
    get requests() {
      return requests;
    },
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

function decode(body: { resourceSpans?: { resource?: { attributes?: KeyValue[] }; scopeSpans?: { spans?: Record<string, unknown>[] }[] }[] }): ReceivedSpan[] {
  const out: ReceivedSpan[] = [];
  for (const resourceSpans of body.resourceSpans ?? []) {
    const resource = attributesOf(resourceSpans.resource?.attributes);
    for (const scope of resourceSpans.scopeSpans ?? []) {
      for (const span of scope.spans ?? []) {
        out.push({
          traceId: String(span.traceId),
          spanId: String(span.spanId),
          parentSpanId: typeof span.parentSpanId === 'string' && span.parentSpanId !== '' ? span.parentSpanId : undefined,
          name: String(span.name),
          kind: Number(span.kind),
          attributes: attributesOf(span.attributes as KeyValue[] | undefined),
          resource,
          status: Number((span.status as { code?: number } | undefined)?.code ?? 0),
          links: ((span.links as { traceId: string; spanId: string }[] | undefined) ?? []).map(({ traceId, spanId }) => ({ traceId, spanId })),
          startMs: nanosToMs(span.startTimeUnixNano),
          endMs: nanosToMs(span.endTimeUnixNano),
        });
      }
    }
  }
  return out;
}

function nanosToMs(value: unknown): number {
  return typeof value === 'string' || typeof value === 'number' ? Number(BigInt(value) / 1000n) / 1000 : Number.NaN;
}

function attributesOf(list: KeyValue[] | undefined): Record<string, unknown> {
  return Object.fromEntries((list ?? []).map(({ key, value }) => [key, valueOf(value)]));
}

function valueOf(value: AnyValue): unknown {
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.doubleValue !== undefined) return value.doubleValue;
  if (value.arrayValue !== undefined) return (value.arrayValue.values ?? []).map(valueOf);
  return undefined;
}
