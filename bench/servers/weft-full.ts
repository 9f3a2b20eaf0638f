// The ping workflow with everything an operator turns on: the ops plane (counters on every hop,
// /metrics, the event bus, at the port given second) and tracing (node-hop spans included) at
// the sampling of OTEL_TRACES_SAMPLER/_ARG (default parentbased_always_on), batched to the
// OTLP/HTTP sink at BENCH_OTLP_URL: bench:http's weft-full variant, `weft start --ops --otel`.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { silentLogger, type Spec } from '../../src/index.ts';
import { startTracing } from '../../cli/tracing/start-tracing.ts';
import { serveSpecs } from '../lib/serve-specs.ts';

const port = Number(process.argv[2]);
const opsPort = Number(process.argv[3]);
const tracing = await startTracing({ otel: process.env.BENCH_OTLP_URL, env: { OTEL_TRACES_SAMPLER: process.env.OTEL_TRACES_SAMPLER, OTEL_TRACES_SAMPLER_ARG: process.env.OTEL_TRACES_SAMPLER_ARG }, namespace: 'default', logger: silentLogger });
if (tracing === undefined) throw new Error('BENCH_OTLP_URL is not set');
const specs = (parse(readFileSync(new URL('../../examples/ping.yaml', import.meta.url), 'utf8')) as Spec[]).map((spec) =>
  spec.kind === 'listener' ? { ...spec, port, host: '127.0.0.1' } : spec,
);
await serveSpecs(specs, { opsPort, hopSpans: true });
