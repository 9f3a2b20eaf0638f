// bench:idle-rss — the resident memory of an idle `weft start -f examples/ping.yaml` (memory
// store), without and with the ops plane (`--ops`, one /metrics scrape), beside two references
// measured in the same run: a raw node:http server and a raw fastify server answering /ping
// (fastify is what a weft listener serves with). Each variant starts ROUNDS times, alternating,
// and the medians are reported. Target: ≤ 80 MB. Memory is read from /proc/PID/status 2 s after
// the server answers /ping (after one request): VmRSS (what `ps` and the target count) and its
// two parts, RssAnon (the process's own memory: heap, code, buffers) and RssFile (pages of the
// node binary and libraries mapped from disk, shared by every node process on the machine).
// It runs the built CLI (dist/cli/weft.js, what `npm install` gives a user; `npm run build`
// first) when there is one, else the sources through Node's type stripping, which alone costs
// some 30 MB more.
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
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BUILT = join(ROOT, 'dist/cli/weft.js');
const CLI = existsSync(BUILT) ? BUILT : join(ROOT, 'cli/weft.ts');
const VARIANTS = ['node:http', 'fastify', 'weft', 'weft --ops'] as const;
type Variant = (typeof VARIANTS)[number];
type Reading = { rss: number; anon: number; file: number };

// The references as plain JavaScript (run with -e from the project root, so they resolve its
// fastify), not through type stripping, which would add its own memory.
const REFERENCES: Readonly<Record<'node:http' | 'fastify', string>> = {
  'node:http': `import { createServer } from 'node:http';
createServer((_q, s) => { s.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }); s.end('pong'); }).listen(Number(process.argv[1]), '127.0.0.1');`,
  fastify: `import Fastify from 'fastify';
const app = Fastify({ logger: false });
app.get('/ping', (_q, reply) => { void reply.type('text/plain; charset=utf-8').send('pong'); });
await app.listen({ port: Number(process.argv[1]), host: '127.0.0.1' });`,
};

function reading(pid: number): Reading {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const mb = (field: string) => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(status)![1]) / 1024;
  return { rss: mb('VmRSS'), anon: mb('RssAnon'), file: mb('RssFile') };
}

async function until(check: () => Promise<boolean>, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`not ready within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

async function argsOf(variant: Variant, port: number, dir: string): Promise<{ args: string[]; ops?: number }> {
  if (variant === 'node:http' || variant === 'fastify') return { args: ['--input-type=module', '-e', REFERENCES[variant], String(port)] };
  const yaml = readFileSync(join(ROOT, 'examples/ping.yaml'), 'utf8').replace('port: 8000', `port: ${port}\n  host: 127.0.0.1`);
  const file = join(dir, `ping-${port}.yaml`);
  writeFileSync(file, yaml);
  const args = [CLI, 'start', '-f', file, '--store', 'memory://'];
  if (variant === 'weft') return { args };
  const ops = await freePort();
  return { args: [...args, '--ops', `127.0.0.1:${ops}`, '--insecure'], ops };
}

async function measure(variant: Variant, dir: string): Promise<Reading> {
  const port = await freePort();
  const { args, ops } = await argsOf(variant, port, dir);
  const child: ChildProcess = spawn(process.execPath, args, { cwd: ROOT, stdio: 'ignore', env: { ...process.env, WEFT_LOG_LEVEL: 'warn' } });
  try {
    await until(async () => (await fetch(`http://127.0.0.1:${port}/ping`, { signal: AbortSignal.timeout(1000) })).ok, 30_000);
    if (ops !== undefined) await fetch(`http://127.0.0.1:${ops}/metrics`).then((response) => response.text());
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    return reading(child.pid!);
  } finally {
    child.kill('SIGKILL');
  }
}

const dir = mkdtempSync(join(tmpdir(), 'weft-idle-rss-'));
try {
  const samples = new Map<Variant, Reading[]>(VARIANTS.map((variant) => [variant, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const variant of round % 2 === 0 ? VARIANTS : [...VARIANTS].reverse()) samples.get(variant)!.push(await measure(variant, dir));
  }
  const medians = Object.fromEntries(VARIANTS.map((variant) => {
    const of = (part: keyof Reading) => median(samples.get(variant)!.map((sample) => sample[part]));
    return [variant, { rss: of('rss'), anon: of('anon'), file: of('file') }];
  })) as Record<Variant, Reading>;
  console.log(`bench:idle-rss — an idle server answering /ping, RSS ${SETTLE_MS} ms after the first request, ${ROUNDS} starts per variant, medians (weft from ${CLI === BUILT ? 'dist/, built' : 'the sources, type stripping'}; memory store)`);
  console.log(`${'variant'.padEnd(12)} ${'VmRSS'.padStart(8)} ${'own (anon)'.padStart(11)} ${'mapped files'.padStart(13)}`);
  for (const variant of VARIANTS) {
    const { rss, anon, file } = medians[variant];
    console.log(`${variant.padEnd(12)} ${rss.toFixed(1).padStart(5)} MB ${anon.toFixed(1).padStart(8)} MB ${file.toFixed(1).padStart(10)} MB`);
  }
  const weft = medians['weft --ops'];
  console.log(`weft --ops: ${weft.rss.toFixed(1)} MB (target ≤ ${TARGET_MB} MB): ${weft.rss <= TARGET_MB ? 'PASS' : 'ABOVE TARGET'}; over raw fastify: ${(weft.rss - medians.fastify.rss).toFixed(1)} MB (own memory ${(weft.anon - medians.fastify.anon).toFixed(1)} MB); the ops plane adds ${(weft.rss - medians.weft.rss).toFixed(1)} MB`);
  console.log(`wrote ${writeResult('idle-rss', { cli: CLI === BUILT ? 'dist' : 'sources', rounds: ROUNDS, settleMs: SETTLE_MS, samplesMb: Object.fromEntries(samples), mediansMb: medians, target: { rssMb: TARGET_MB } })}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
