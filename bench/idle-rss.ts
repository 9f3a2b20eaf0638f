// bench:idle-rss — the resident memory of an idle `weft start -f examples/ping.yaml` (memory
// store), without and with the ops plane (`--ops`, one /metrics scrape), measured side by side:
// each variant starts ROUNDS times, alternating, and the medians are reported. Target: ≤ 80 MB.
// RSS is read from /proc/PID/status 2 s after the engine answers /ping (after one request),
// so start-up garbage has had a chance to be collected. It runs the built CLI (dist/cli/weft.js,
// what `npm install` gives a user; `npm run build` first) when there is one, else the sources
// through Node's type stripping, which alone costs some 30 MB more.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from './lib/server-process.ts';
import { median } from './lib/stats.ts';
import { writeResult } from './lib/write-result.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SETTLE_MS = 2000;
const TARGET_MB = 80;
const BUILT = fileURLToPath(new URL('../dist/cli/weft.js', import.meta.url));
const CLI = existsSync(BUILT) ? BUILT : fileURLToPath(new URL('../cli/weft.ts', import.meta.url));
const VARIANTS = ['plain', 'ops'] as const;
type Variant = (typeof VARIANTS)[number];

function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((entry) => entry.startsWith('VmRSS:'))!;
  return Number(line.split(/\s+/)[1]) / 1024;
}

async function until(check: () => Promise<boolean>, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`not ready within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function measure(variant: Variant, dir: string): Promise<number> {
  const port = await freePort();
  const yaml = readFileSync(new URL('../examples/ping.yaml', import.meta.url), 'utf8').replace('port: 8000', `port: ${port}\n  host: 127.0.0.1`);
  const file = join(dir, `ping-${port}.yaml`);
  writeFileSync(file, yaml);
  const ops = variant === 'ops' ? await freePort() : undefined;
  const args = [CLI, 'start', '-f', file, '--store', 'memory://', ...(ops === undefined ? [] : ['--ops', `127.0.0.1:${ops}`, '--insecure'])];
  const child: ChildProcess = spawn(process.execPath, args, { cwd: dir, stdio: 'ignore', env: { ...process.env, WEFT_LOG_LEVEL: 'warn' } });
  try {
    await until(async () => (await fetch(`http://127.0.0.1:${port}/ping`, { signal: AbortSignal.timeout(1000) })).ok, 30_000);
    if (ops !== undefined) await fetch(`http://127.0.0.1:${ops}/metrics`).then((response) => response.text());
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    return rssMb(child.pid!);
  } finally {
    child.kill('SIGKILL');
  }
}

const dir = mkdtempSync(join(tmpdir(), 'weft-idle-rss-'));
try {
  const samples = new Map<Variant, number[]>(VARIANTS.map((variant) => [variant, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const variant of round % 2 === 0 ? VARIANTS : [...VARIANTS].reverse()) samples.get(variant)!.push(await measure(variant, dir));
  }
  const medians = Object.fromEntries(VARIANTS.map((variant) => [variant, median(samples.get(variant)!)])) as Record<Variant, number>;
  console.log(`bench:idle-rss — weft start -f examples/ping.yaml (memory store) from ${CLI === BUILT ? 'dist/ (built)' : 'the sources (type stripping)'}, ${ROUNDS} starts per variant, RSS ${SETTLE_MS} ms after the first /ping, medians`);
  for (const variant of VARIANTS) console.log(`${variant.padEnd(6)} ${medians[variant].toFixed(1).padStart(6)} MB   (${samples.get(variant)!.map((mb) => mb.toFixed(1)).join(', ')})`);
  console.log(`with --ops: ${medians.ops.toFixed(1)} MB (target ≤ ${TARGET_MB} MB): ${medians.ops <= TARGET_MB ? 'PASS' : 'ABOVE TARGET'}; the ops plane adds ${(medians.ops - medians.plain).toFixed(1)} MB`);
  console.log(`wrote ${writeResult('idle-rss', { cli: CLI === BUILT ? 'dist' : 'sources', rounds: ROUNDS, settleMs: SETTLE_MS, samplesMb: Object.fromEntries(samples), mediansMb: medians, target: { rssMb: TARGET_MB } })}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
