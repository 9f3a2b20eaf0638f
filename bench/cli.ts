// bench:cli — how long a `weft` command takes from spawn to exit, beside a bare `node -e 0`
// start measured in the same run: `--version`, `--help`, `kinds`, and `get` / `apply -f` of 10
// specs on a SQLite store (the apply re-applies unchanged specs, so every run does the same
// work: read, validate, compare in one transaction). Each variant runs ROUNDS times, the
// variants interleaved (so a busy machine slows them alike), and the medians are reported.
// It runs the built CLI (dist/cli/weft.js, what `npm install` gives a user; `npm run build`
// first) with and without Node's module compile cache (NODE_DISABLE_COMPILE_CACHE=1), and the
// sources through type stripping for comparison. Targets: --help and --version ≤ 150 ms; get
// and apply of 10 specs ≤ 300 ms (the built CLI, compile cache warm).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { median, percentile } from './lib/stats.ts';
import { writeResult } from './lib/write-result.ts';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 15);
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BUILT = join(ROOT, 'dist/cli/weft.js');
const SOURCES = join(ROOT, 'cli/weft.ts');
const TARGETS_MS: Readonly<Record<string, number>> = { '--version': 150, '--help': 150, get: 300, apply: 300 };
const COMMANDS: Readonly<Record<string, readonly string[]>> = {
  '--version': ['--version'],
  '--help': ['--help'],
  kinds: ['kinds'],
  get: ['get'],
  apply: ['apply', '-f', 'specs.yaml'],
};
type Cli = 'dist' | 'dist, no compile cache' | 'sources';

if (!existsSync(BUILT)) {
  console.error('bench:cli needs the built CLI: run `npm run build` first');
  process.exit(1);
}

const dir = mkdtempSync(join(tmpdir(), 'weft-bench-cli-'));
// The compile cache of this run, so that the first round warms it and the others use it.
const cacheDir = join(dir, 'compile-cache');
const env: Record<string, string | undefined> = { ...process.env, WEFT_STORE: `sqlite://${join(dir, 'weft.db')}`, WEFT_NAMESPACE: 'bench', NODE_COMPILE_CACHE: cacheDir };
delete env.NODE_OPTIONS;
delete env.NODE_DISABLE_COMPILE_CACHE;

/** One run of `node ARGS` in the bench folder: its wall-clock time in ms; a failing command stops the bench. */
function run(args: readonly string[], extraEnv: Record<string, string> = {}): number {
  const started = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { cwd: dir, env: { ...env, ...extraEnv }, encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  if (result.status !== 0) throw new Error(`node ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return ms;
}

function cliRun(cli: Cli, command: readonly string[]): number {
  if (cli === 'sources') return run([SOURCES, ...command]);
  return run([BUILT, ...command], cli === 'dist' ? {} : { NODE_DISABLE_COMPILE_CACHE: '1' });
}

try {
  writeFileSync(join(dir, 'specs.yaml'), Array.from({ length: 10 }, (_, index) => `- kind: snippet\n  name: step-${index}\n  language: cel\n  code: "self + ${index}"\n`).join(''));
  run([BUILT, 'apply', '-f', 'specs.yaml']);
  const clis: readonly Cli[] = ['dist', 'dist, no compile cache', 'sources'];
  const variants = [{ cli: 'node -e 0' as const, command: 'node -e 0' }, ...clis.flatMap((cli) => Object.keys(COMMANDS).map((command) => ({ cli, command })))];
  const samples = new Map<string, number[]>(variants.map(({ cli, command }) => [`${cli}|${command}`, []]));
  for (let round = 0; round < ROUNDS; round++) {
    for (const { cli, command } of round % 2 === 0 ? variants : [...variants].reverse()) {
      const ms = cli === 'node -e 0' ? run(['-e', '0']) : cliRun(cli, COMMANDS[command]!);
      samples.get(`${cli}|${command}`)!.push(ms);
    }
  }
  const stats = (key: string) => ({ medianMs: median(samples.get(key)!), p90Ms: percentile(samples.get(key)!, 90) });
  const bare = stats('node -e 0|node -e 0');
  console.log(`bench:cli — spawn to exit, ${ROUNDS} runs per variant, interleaved, medians (p90); SQLite store with 10 specs; bare node start: ${bare.medianMs.toFixed(0)} ms (p90 ${bare.p90Ms.toFixed(0)})`);
  console.log(`${'command'.padEnd(12)} ${clis.map((cli) => cli.padStart(24)).join('')}   target`);
  const results: Record<string, Record<string, { medianMs: number; p90Ms: number }>> = {};
  const verdicts: string[] = [];
  for (const command of Object.keys(COMMANDS)) {
    const cells = clis.map((cli) => {
      const of = stats(`${cli}|${command}`);
      (results[cli] ??= {})[command] = of;
      return `${of.medianMs.toFixed(0)} ms (${of.p90Ms.toFixed(0)})`.padStart(24);
    });
    const target = TARGETS_MS[command];
    const dist = results.dist![command]!.medianMs;
    if (target !== undefined) verdicts.push(`${command} ${dist.toFixed(0)} ms ≤ ${target}: ${dist <= target ? 'PASS' : 'ABOVE TARGET'}`);
    console.log(`${command.padEnd(12)} ${cells.join('')}   ${target === undefined ? '-' : `≤ ${target} ms`}`);
  }
  console.log(`dist, compile cache warm: ${verdicts.join('; ')}`);
  console.log(`wrote ${writeResult('cli', { rounds: ROUNDS, specs: 10, store: 'sqlite', bareNode: bare, results, samplesMs: Object.fromEntries(samples), targetsMs: TARGETS_MS })}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
