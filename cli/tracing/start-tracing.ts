import { hostname } from 'node:os';
import { context, diag, DiagLogLevel, propagation, trace } from '@opentelemetry/api';
import type { Logger } from '../../src/index.ts';
import { tracesEndpoint } from './traces-endpoint.ts';
import { traceSampler } from './trace-sampler.ts';

/** Options of startTracing. */
export interface TracingOptions {
  /** The `otel` setting (--otel, WEFT_OTEL, config file): an OTLP/HTTP base URL. */
  readonly otel?: string;
  /** The environment (OTEL_* variables). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** The namespace the engine runs, a resource attribute. */
  readonly namespace: string;
  /** Where exporter problems are logged (warn). */
  readonly logger: Logger;
  /** How long spans wait to be sent in a batch; default 5000 ms (OTEL_BSP_SCHEDULE_DELAY). */
  readonly scheduledDelayMs?: number;
}

/** A running OpenTelemetry SDK: flush sends what is queued; shutdown flushes and unregisters it. */
export interface Tracing {
  readonly endpoint: string;
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

/**
 * Registers the OpenTelemetry SDK globally when tracing is configured (see tracesEndpoint):
 * a TracerProvider with the OTEL_TRACES_SAMPLER sampler and a batching OTLP/HTTP (JSON)
 * exporter, an AsyncLocalStorage context manager (so log lines see the active span) and the
 * W3C trace-context and baggage propagators. Returns undefined, having loaded nothing, when
 * tracing is off: the SDK modules are imported only here, so an engine without tracing does
 * not pay for them. Resource: service.name from OTEL_SERVICE_NAME (default "weft"),
 * OTEL_RESOURCE_ATTRIBUTES, weft.namespace, host.name, process.pid.
 */
export async function startTracing(options: TracingOptions): Promise<Tracing | undefined> {
  const endpoint = tracesEndpoint(options.otel, options.env);
  if (endpoint === undefined) return undefined;
  const [sdk, { OTLPTraceExporter }, { resourceFromAttributes }, { AsyncLocalStorageContextManager }, core] = await Promise.all([
    import('@opentelemetry/sdk-trace'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/resources'),
    import('@opentelemetry/context-async-hooks'),
    import('@opentelemetry/core'),
  ]);
  const sampler = traceSampler(options.env, sdk);
  const resource = resourceFromAttributes({
    ...resourceAttributes(options.env.OTEL_RESOURCE_ATTRIBUTES),
    'service.name': options.env.OTEL_SERVICE_NAME?.trim() || 'weft',
    'weft.namespace': options.namespace,
    'host.name': hostname(),
    'process.pid': process.pid,
  });
  const delay = options.scheduledDelayMs ?? (Number(options.env.OTEL_BSP_SCHEDULE_DELAY) || 5000);
  const exporter = new OTLPTraceExporter({ url: endpoint });
  const provider = new sdk.TracerProvider({ resource, sampler, spanProcessors: [new sdk.BatchSpanProcessor({ exporter, scheduledDelayMillis: delay })] });
  const log = options.logger.child({ component: 'otel' });
  diag.setLogger({
    error: (message) => log.warn({ endpoint }, `opentelemetry: ${message}`),
    warn: (message) => log.warn({ endpoint }, `opentelemetry: ${message}`),
    info: () => {}, debug: () => {}, verbose: () => {},
  }, DiagLogLevel.WARN);
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  propagation.setGlobalPropagator(new core.CompositePropagator({ propagators: [new core.W3CTraceContextPropagator(), new core.W3CBaggagePropagator()] }));
  trace.setGlobalTracerProvider(provider);
  let closed: Promise<void> | undefined;
  return {
    endpoint,
    flush: () => provider.forceFlush(),
    shutdown: () => (closed ??= (async () => {
      try {
        await provider.shutdown();
      } finally {
        trace.disable();
        propagation.disable();
        context.disable();
        diag.disable();
      }
    })()),
  };
}

/** OTEL_RESOURCE_ATTRIBUTES: `key=value,key=value`, values percent-decoded; malformed pairs are skipped. */
function resourceAttributes(raw: string | undefined): Record<string, string> {
  const attributes: Record<string, string> = {};
  for (const pair of (raw ?? '').split(',')) {
    const at = pair.indexOf('=');
    if (at <= 0) continue;
    try {
      attributes[pair.slice(0, at).trim()] = decodeURIComponent(pair.slice(at + 1).trim());
    } catch {
      // Not percent-decodable: skipped, as the specification allows.
    }
  }
  return attributes;
}
