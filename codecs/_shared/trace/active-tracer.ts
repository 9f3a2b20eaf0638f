import { ProxyTracerProvider, trace, type Tracer, type TracerProvider } from '@opentelemetry/api';

/** The provider the API answers with while no SDK is registered. */
const NOOP_PROVIDER = new ProxyTracerProvider().getDelegate();

let provider: TracerProvider | undefined;
let tracer: Tracer | undefined;

/**
 * weft's tracer when an OpenTelemetry SDK is registered (`weft start --otel`, or an embedder's
 * own `trace.setGlobalTracerProvider`), else undefined. Sources call it once per root process
 * and skip every tracing step on undefined, so tracing off costs a global lookup and nothing
 * else (no span objects, no process data).
 */
export function activeTracer(): Tracer | undefined {
  const global = trace.getTracerProvider();
  const delegate = global instanceof ProxyTracerProvider ? global.getDelegate() : global;
  if (delegate === NOOP_PROVIDER) return undefined;
  if (delegate !== provider) {
    provider = delegate;
    tracer = delegate.getTracer('weft');
  }
  return tracer;
}
