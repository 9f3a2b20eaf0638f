// bench:http — the ping workflow vs raw fastify vs raw node:http, side by side in one run.
// Each server runs in its own child process; autocannon loads one at a time, alternating the
// order every round, and the medians of the rounds are compared. Target: weft ≥ 0.85× fastify.
// With taskset available, servers are pinned to the last core and the load generator to the
// others, so the server (not autocannon) is what saturates; otherwise all three tie near the
// client's own ceiling and the ratio says little. `weft-ops` is weft with the ops plane on
// (`--ops`: counters on every hop, /metrics scraped once a round, one idle event subscriber
// that takes metrics:update); target ≥ 0.95× weft. `weft-full` adds tracing to weft-ops (hop
// spans, the sampler of OTEL_TRACES_SAMPLER/_ARG, default every request) and its own idle
// subscriber: what an operator who turns everything on pays.
import type { ChildProcess } from 'node:child_process';
import { WebSocket } from 'ws';
import { cpuSeconds, freePort, PINNED, SERVER_CORE, startServerProcess } from './lib/server-process.ts';
import autocannon from 'autocannon';
import { median } from './lib/stats.ts';
import { writeResult } from './lib/write-result.ts';
import { startOtlpSink } from './lib/otlp-sink.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 64);
// weft-traced: the same workflow with tracing on (default sampling) to a discarding OTLP sink;
// weft-full: weft-ops with that tracing. BENCH_TRACED=0 leaves both out.
const ALL = ['weft', 'weft-ops', 'fastify', 'node-http', 'weft-traced', 'weft-full'] as const;
const VARIANTS = process.env.BENCH_TRACED === '0' ? ALL.slice(0, 4) : ALL;
type Variant = (typeof ALL)[number];
const sink = await startOtlpSink();
process.env.BENCH_OTLP_URL = sink.url;

interface Sample {
  readonly rps: number;
  /** Server CPU time (user + system) per answered request, in microseconds; NaN without /proc. */
  readonly cpuUsPerRequest: number;
  readonly p50: number;
  readonly p99: number;
  readonly errors: number;
  readonly non2xx: number;
}

async function startServer(variant: Variant): Promise<{ child: ChildProcess; url: string; ops?: string }> {
  const script = new URL(`./servers/${variant}.ts`, import.meta.url).pathname;
  const opsPort = variant === 'weft-ops' || variant === 'weft-full' ? await freePort() : undefined;
  const { child, port } = await startServerProcess(script, [], opsPort === undefined ? [] : [String(opsPort)]);
  return { child, url: `http://127.0.0.1:${port}/ping`, ...(opsPort === undefined ? {} : { ops: `127.0.0.1:${opsPort}` }) };
}

/** The idle event subscriber of weft-ops: connected, taking metrics:update (about one a second). */
async function idleSubscriber(ops: string): Promise<WebSocket> {
  const socket = new WebSocket(`ws://${ops}/v1/events`);
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject));
  socket.send(JSON.stringify({ type: 'subscribe', filter: { types: ['metrics:update'] } }));
  socket.on('message', () => {});
  return socket;
}

async function load(url: string, seconds: number, pid = 0): Promise<Sample> {
  const before = cpuSeconds(pid);
  const result = await autocannon({ url, connections: CONNECTIONS, duration: seconds });
  const cpuUsPerRequest = ((cpuSeconds(pid) - before) * 1e6) / result.requests.total;
  return { rps: result.requests.average, cpuUsPerRequest, p50: result.latency.p50, p99: result.latency.p99, errors: result.errors, non2xx: result.non2xx };
}

const servers = new Map<Variant, { child: ChildProcess; url: string; ops?: string }>();
const subscribers: WebSocket[] = [];
try {
  for (const variant of VARIANTS) servers.set(variant, await startServer(variant));
  for (const server of servers.values()) if (server.ops !== undefined) subscribers.push(await idleSubscriber(server.ops));
  for (const variant of VARIANTS) await load(servers.get(variant)!.url, 1); // warm-up
  const samples = new Map<Variant, Sample[]>(VARIANTS.map((variant) => [variant, []]));
  for (let round = 0; round < ROUNDS; round++) {
    const order = VARIANTS.map((_, i) => VARIANTS[(i + round) % VARIANTS.length]!);
    for (const variant of order) {
      const server = servers.get(variant)!;
      samples.get(variant)!.push(await load(server.url, SECONDS, server.child.pid));
      if (server.ops !== undefined) await fetch(`http://${server.ops}/metrics`).then((response) => response.text());
    }
    process.stdout.write(`round ${round + 1}/${ROUNDS} done\n`);
  }
  const summary = Object.fromEntries(
    VARIANTS.map((variant) => {
      const list = samples.get(variant)!;
      return [variant, {
        rps: median(list.map((s) => s.rps)),
        cpuUsPerRequest: median(list.map((s) => s.cpuUsPerRequest)),
        p50Ms: median(list.map((s) => s.p50)),
        p99Ms: median(list.map((s) => s.p99)),
        errors: list.reduce((sum, s) => sum + s.errors + s.non2xx, 0),
        rounds: list,
      }];
    }),
  ) as unknown as Record<Variant, { rps: number; cpuUsPerRequest: number; p50Ms: number; p99Ms: number; errors: number }>;
  const traced = summary['weft-traced'] as (typeof summary)['weft'] | undefined;
  const ratioTraced = traced === undefined ? undefined : traced.rps / summary.weft.rps;
  const full = summary['weft-full'] as (typeof summary)['weft'] | undefined;
  const ratioFull = full === undefined ? undefined : full.rps / summary.weft.rps;
  const ratioFastify = summary.weft.rps / summary.fastify.rps;
  const ratioNode = summary.weft.rps / summary['node-http'].rps;
  const ratioOps = summary['weft-ops'].rps / summary.weft.rps;
  const ratioOpsByCpu = summary.weft.cpuUsPerRequest / summary['weft-ops'].cpuUsPerRequest;
  console.log(`\nbench:http — ${ROUNDS} rounds × ${SECONDS}s, ${CONNECTIONS} connections, medians; ${PINNED ? `server pinned to core ${SERVER_CORE}` : 'not pinned'}`);
  console.log('variant        req/s   CPU µs/req   p50 ms  p99 ms  errors');
  for (const variant of VARIANTS) {
    const s = summary[variant];
    console.log(`${variant.padEnd(12)} ${s.rps.toFixed(0).padStart(8)} ${s.cpuUsPerRequest.toFixed(1).padStart(12)} ${s.p50Ms.toFixed(1).padStart(8)} ${s.p99Ms.toFixed(1).padStart(7)} ${String(s.errors).padStart(7)}`);
  }
  const cpuRatio = summary.fastify.cpuUsPerRequest / summary.weft.cpuUsPerRequest;
  console.log(`by server CPU per request: weft costs ${(1 / cpuRatio).toFixed(3)}× fastify (throughput at equal CPU ${cpuRatio.toFixed(3)}×)`);
  console.log(`weft / fastify = ${ratioFastify.toFixed(3)} (target ≥ 0.85)   weft / node:http = ${ratioNode.toFixed(3)}`);
  console.log(`weft-ops / weft = ${ratioOps.toFixed(3)} (target ≥ 0.95)   by server CPU per request ${ratioOpsByCpu.toFixed(3)}`);
  if (ratioTraced !== undefined) console.log(`weft traced / weft = ${ratioTraced.toFixed(3)} (sampler ${process.env.OTEL_TRACES_SAMPLER ?? "parentbased_always_on: every request"}${process.env.OTEL_TRACES_SAMPLER_ARG === undefined ? "" : ` ${process.env.OTEL_TRACES_SAMPLER_ARG}`}; sink got ${sink.stats().requests} exports, ${(sink.stats().bytes / 1e6).toFixed(1)} MB)`);
  if (ratioFull !== undefined) console.log(`weft-full (ops plane + tracing + idle subscriber) / weft = ${ratioFull.toFixed(3)} (target ≥ 0.95)   by server CPU per request ${(summary.weft.cpuUsPerRequest / full!.cpuUsPerRequest).toFixed(3)}`);
  const file = writeResult('http', { pinned: PINNED, rounds: ROUNDS, seconds: SECONDS, connections: CONNECTIONS, summary, ratios: { weftToFastify: ratioFastify, weftToNodeHttp: ratioNode, weftOpsToWeft: ratioOps, weftOpsToWeftByCpu: ratioOpsByCpu, weftToFastifyByCpu: summary.fastify.cpuUsPerRequest / summary.weft.cpuUsPerRequest, weftTracedToWeft: ratioTraced, weftFullToWeft: ratioFull }, otlpSink: sink.stats(), target: { weftToFastify: 0.85, weftOpsToWeft: 0.95, weftFullToWeft: 0.95 } });
  console.log(`wrote ${file}`);
} finally {
  for (const subscriber of subscribers) subscriber.terminate();
  for (const { child } of servers.values()) child.kill('SIGKILL');
  await sink.close();
}
