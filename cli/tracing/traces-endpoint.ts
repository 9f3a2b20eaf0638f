/**
 * Where spans go, or undefined when tracing is off: `otel` (the --otel flag, WEFT_OTEL or the
 * config file's `otel`, an OTLP/HTTP base URL such as http://127.0.0.1:4318) with `/v1/traces`
 * appended unless it already ends so; else OTEL_EXPORTER_OTLP_TRACES_ENDPOINT as it is; else
 * OTEL_EXPORTER_OTLP_ENDPOINT with `/v1/traces` appended. OTEL_SDK_DISABLED=true turns it off.
 */
export function tracesEndpoint(otel: string | undefined, env: Readonly<Record<string, string | undefined>>): string | undefined {
  if (env.OTEL_SDK_DISABLED?.trim().toLowerCase() === 'true') return undefined;
  if (otel !== undefined && otel !== '') return withTracesPath(otel);
  const specific = env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?.trim();
  if (specific !== undefined && specific !== '') return specific;
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  return base === undefined || base === '' ? undefined : withTracesPath(base);
}

function withTracesPath(base: string): string {
  const trimmed = base.trim().replace(/\/+$/, '');
  return trimmed.endsWith('/v1/traces') ? trimmed : `${trimmed}/v1/traces`;
}
