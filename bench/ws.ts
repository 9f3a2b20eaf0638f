// bench:ws — WebSocket echo round trips per second over 64 connections: weft (listener → router
// → upgrader → if → cel echo → upgrader.in) vs a raw `ws` server doing the same echo, side by
// side in one run, plus the same raw server behind node:http's 'upgrade' event (weft's path). Each server runs in its own child process; every connection runs a closed
// loop (send, wait for the echo, send again) for the round's duration. Rounds alternate the
// order; medians of the rounds are compared. Target: weft ≥ 0.8× raw ws. With taskset, servers
// are pinned to the last core and the clients to the others, so the server is what saturates.
import type { ChildProcess } from 'node:child_process';
import { cpuSeconds, PINNED, startServerProcess } from './lib/server-process.ts';
import WebSocket from 'ws';
import { median } from './lib/stats.ts';
import { writeResult } from './lib/write-result.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 64);
const MESSAGE = process.env.BENCH_MESSAGE ?? '{"hello":"world","n":42}';
const VARIANTS = ['weft', 'raw-ws', 'raw-ws-upgrade'] as const;
type Variant = (typeof VARIANTS)[number];

interface Sample {
  readonly roundTrips: number;
  /** Server CPU time (user + system) per round trip in microseconds; NaN without /proc. */
  readonly cpuUsPerRoundTrip: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

async function startServer(variant: Variant): Promise<{ child: ChildProcess; url: string }> {
  const script = new URL(`./servers/${variant === 'weft' ? 'ws-weft' : variant === 'raw-ws' ? 'ws-raw' : 'ws-raw-upgrade'}.ts`, import.meta.url).pathname;
  const { child, port } = await startServerProcess(script, process.env.BENCH_PROFILE === variant ? ['--cpu-prof', '--cpu-prof-dir=bench/results/profiles'] : []);
  return { child, url: `ws://127.0.0.1:${port}/ws` };
}

function open(url: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url, { perMessageDeflate: false });
    socket.once('open', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Runs closed echo loops on every connection for `seconds`; the server's pid gives its CPU time. */
async function load(url: string, pid: number, seconds: number): Promise<Sample> {
  const sockets = await Promise.all(Array.from({ length: CONNECTIONS }, () => open(url)));
  // A short warm-up, not measured.
  await loop(sockets, 0.5);
  const before = cpuSeconds(pid);
  const { count, latencies } = await loop(sockets, seconds);
  const cpu = cpuSeconds(pid) - before;
  await Promise.all(sockets.map((socket) => new Promise((resolve) => {
    socket.once('close', resolve);
    socket.close();
  })));
  latencies.sort((a, b) => a - b);
  return {
    roundTrips: count / seconds,
    cpuUsPerRoundTrip: (cpu * 1e6) / count,
    p50Ms: latencies[Math.floor(latencies.length * 0.5)] ?? Number.NaN,
    p99Ms: latencies[Math.floor(latencies.length * 0.99)] ?? Number.NaN,
  };
}

async function loop(sockets: readonly WebSocket[], seconds: number): Promise<{ count: number; latencies: number[] }> {
  const end = performance.now() + seconds * 1000;
  let count = 0;
  const latencies: number[] = [];
  await Promise.all(sockets.map((socket) => new Promise<void>((resolve) => {
    let sent = performance.now();
    const onMessage = (): void => {
      const now = performance.now();
      count++;
      if (count % 16 === 0) latencies.push(now - sent);
      if (now >= end) {
        socket.off('message', onMessage);
        resolve();
        return;
      }
      sent = now;
      socket.send(MESSAGE);
    };
    socket.on('message', onMessage);
    socket.send(MESSAGE);
  })));
  return { count, latencies };
}

const samples: Record<Variant, Sample[]> = { weft: [], 'raw-ws': [], 'raw-ws-upgrade': [] };
for (let round = 0; round < ROUNDS; round++) {
  const order = round % 2 === 0 ? VARIANTS : [...VARIANTS].reverse();
  for (const variant of order) {
    const { child, url } = await startServer(variant);
    try {
      samples[variant].push(await load(url, child.pid!, SECONDS));
    } finally {
      child.removeAllListeners('exit');
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
  }
  console.log(`round ${round + 1}/${ROUNDS}: ${VARIANTS.map((variant) => `${variant} ${samples[variant].at(-1)!.roundTrips.toFixed(0)}/s`).join(', ')}`);
}

const summary = Object.fromEntries(VARIANTS.map((variant) => {
  const list = samples[variant];
  return [variant, {
    roundTripsPerSecond: median(list.map((s) => s.roundTrips)),
    cpuUsPerRoundTrip: median(list.map((s) => s.cpuUsPerRoundTrip)),
    p50Ms: median(list.map((s) => s.p50Ms)),
    p99Ms: median(list.map((s) => s.p99Ms)),
  }];
})) as Record<Variant, { roundTripsPerSecond: number; cpuUsPerRoundTrip: number; p50Ms: number; p99Ms: number }>;
const ratio = summary.weft.roundTripsPerSecond / summary['raw-ws'].roundTripsPerSecond;
const cpuRatio = summary['raw-ws'].cpuUsPerRoundTrip / summary.weft.cpuUsPerRoundTrip;
console.log(`\n${CONNECTIONS} connections, ${ROUNDS} rounds of ${SECONDS} s, pinned: ${PINNED}`);
console.log('variant     round trips/s   CPU µs/rt    p50 ms   p99 ms');
for (const variant of VARIANTS) {
  const s = summary[variant];
  console.log(`${variant.padEnd(10)} ${s.roundTripsPerSecond.toFixed(0).padStart(14)} ${s.cpuUsPerRoundTrip.toFixed(1).padStart(11)} ${s.p50Ms.toFixed(2).padStart(9)} ${s.p99Ms.toFixed(2).padStart(8)}`);
}
const upgradeRatio = summary.weft.roundTripsPerSecond / summary['raw-ws-upgrade'].roundTripsPerSecond;
console.log(`weft / raw ws: ${ratio.toFixed(2)}× round trips, ${cpuRatio.toFixed(2)}× CPU efficiency (target ≥ 0.8×); weft / raw ws behind node:http upgrade: ${upgradeRatio.toFixed(2)}×`);
const file = writeResult('ws', { rounds: ROUNDS, seconds: SECONDS, connections: CONNECTIONS, message: MESSAGE, pinned: PINNED, samples, summary, ratio, cpuRatio, upgradeRatio, target: 0.8, met: ratio >= 0.8 });
console.log(`results: ${file}`);
