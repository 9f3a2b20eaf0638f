/**
 * CEL benchmark (issue 3): evaluations per second through weft's compiled `cel` Program versus
 * a raw @marcbachmann/cel-js call of the same pre-parsed, type-checked expression.
 *
 * - `weft`: `celLanguage().compile(expression).run(payload)`: what `snippet`, `if` and `switch`
 *   call per packet (error-payload check, cost guard, result conversion to plain JS).
 * - `raw`: the library's parse result called directly as `parsed({self: payload})`, parsed in an
 *   environment configured like weft's (same overloads), so both evaluate the same AST shape.
 * - `stock`: for information, the library's default Environment with `self` declared `dyn`, on
 *   the same payload (the small one with x as the BigInt 5n: stock CEL has no int/double mixing).
 *
 * Each round measures weft and raw back to back (alternating who goes first), then stock; the
 * ratio is the median of the per-round weft/raw ratios, which resists load from other processes.
 * Target: weft ≥ 0.8× raw. Run on its own with `node bench/languages/cel.ts`.
 */
import { Environment, type ParseResult } from '@marcbachmann/cel-js';
import { celLanguage, type Program } from '../../src/index.ts';
import { createCelEnvironment } from '../../src/language/cel/cel-environment.ts';
import { median } from '../lib/stats.ts';

/** The figures of one expression on one payload. */
export interface CelBenchCase {
  readonly name: string;
  readonly expression: string;
  /** Size of the payload as JSON, in bytes. */
  readonly payloadBytes: number;
  readonly weftOpsPerSec: number;
  readonly rawOpsPerSec: number;
  readonly stockOpsPerSec: number;
  /** weft / raw: the median of the per-round ratios (each round measures the two back to back). */
  readonly ratio: number;
}

/** What benchCel measured: each case, the target and whether every case meets it. */
export interface CelBenchResult {
  readonly rounds: number;
  readonly roundMs: number;
  readonly cases: readonly CelBenchCase[];
  readonly target: number;
  readonly pass: boolean;
}

/** How long and how often to measure (the defaults: 11 rounds of 200 ms per variant, about 15 s). */
export interface CelBenchOptions {
  readonly rounds?: number;
  readonly roundMs?: number;
}

const TARGET = 0.8;

const smallPayload = { body: { x: 5 } };

/** A ~1 KB HTTP request payload, as a listener produces it. */
const requestPayload = {
  method: 'POST',
  host: 'api.example.com',
  path: '/v1/orders',
  query: { dryRun: ['false'], source: ['web'] },
  protocol: 'HTTP/1.1',
  header: {
    'content-type': ['application/json'],
    accept: ['application/json'],
    'user-agent': ['Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko)'],
    'x-request-id': ['0190a4a2-6f1e-7c3b-9d2e-5b8f4a1c2d3e'],
    'x-user': ['ada'],
    authorization: ['Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZGEifQ.c2lnbmF0dXJl'],
  },
  body: {
    customer: { id: 4711, name: 'Ada Lovelace', email: 'ada@example.com', tier: 'gold' },
    items: [
      { sku: 'PEN-01', name: 'Fountain pen', price: 24.5, qty: 2 },
      { sku: 'INK-07', name: 'Ink, blue', price: 6, qty: 5 },
      { sku: 'NB-A5', name: 'Notebook A5', price: 12, qty: 3 },
      { sku: 'DESK-1', name: 'Writing desk', price: 320, qty: 1 },
      { sku: 'LAMP-2', name: 'Desk lamp', price: 45, qty: 1 },
    ],
    note: 'Please deliver to the back entrance between 9 and 5.',
  },
  status: 0,
};

const cases = [
  // Stock CEL has no int/double arithmetic, so its small payload gives x as the int 5n.
  { name: 'small', expression: 'self.body.x * 2 + 1', payload: smallPayload, stockPayload: { body: { x: 5n } } },
  {
    name: '1KB',
    expression: 'self.method == "POST" && self.header["content-type"][0] == "application/json" && self.body.items.exists(i, i.price * i.qty > 300.0)',
    payload: requestPayload,
    stockPayload: requestPayload,
  },
] as const;

let sink = 0;

function measure(run: () => unknown, ms: number): number {
  const batch = 500;
  let ops = 0;
  const start = performance.now();
  const deadline = start + ms;
  let now = start;
  do {
    for (let i = 0; i < batch; i++) if (run() !== undefined) sink++;
    ops += batch;
    now = performance.now();
  } while (now < deadline);
  return ops / ((now - start) / 1000);
}

function checked(environment: Environment, expression: string): ParseResult {
  const parsed = environment.parse(expression);
  const result = parsed.check();
  if (!result.valid) throw result.error;
  return parsed;
}

/** Measures every case, alternating weft, raw and stock within each round; returns the medians. */
export async function benchCel(options: CelBenchOptions = {}): Promise<CelBenchResult> {
  const rounds = options.rounds ?? 11;
  const roundMs = options.roundMs ?? 200;
  const language = celLanguage();
  const environment = createCelEnvironment();
  const stockEnvironment = new Environment().registerVariable('self', 'dyn');
  const results: CelBenchCase[] = [];
  for (const { name, expression, payload, stockPayload } of cases) {
    const program = (await language.compile(expression)) as Program;
    const raw = checked(environment, expression);
    const stock = checked(stockEnvironment, expression);
    const variants: Record<string, () => unknown> = {
      weft: () => program.run(payload),
      raw: () => raw({ self: payload }),
      stock: () => stock({ self: stockPayload }),
    };
    // All three must compute the same value (stock gives 11n where the others give 11).
    const values = Object.values(variants).map((run) => String(run()));
    if (new Set(values).size !== 1) throw new Error(`${name}: the variants disagree: ${values.join(', ')}`);
    const names = Object.keys(variants);
    for (const variant of names) measure(variants[variant]!, roundMs);
    const samples = new Map<string, number[]>(names.map((variant) => [variant, []]));
    const ratios: number[] = [];
    for (let round = 0; round < rounds; round++) {
      // weft and raw back to back (who goes first alternates), so load from other processes
      // hits a pair alike; the ratio is the median of the per-round ratios.
      const order = round % 2 === 0 ? ['weft', 'raw', 'stock'] : ['raw', 'weft', 'stock'];
      const measured: Record<string, number> = {};
      for (const variant of order) {
        measured[variant] = measure(variants[variant]!, roundMs);
        samples.get(variant)!.push(measured[variant]!);
      }
      ratios.push(measured.weft! / measured.raw!);
      await new Promise((resolve) => setImmediate(resolve));
    }
    results.push({
      name,
      expression,
      payloadBytes: Buffer.byteLength(JSON.stringify(payload)),
      weftOpsPerSec: median(samples.get('weft')!),
      rawOpsPerSec: median(samples.get('raw')!),
      stockOpsPerSec: median(samples.get('stock')!),
      ratio: median(ratios),
    });
  }
  return { rounds, roundMs, cases: results, target: TARGET, pass: results.every((result) => result.ratio >= TARGET) && sink >= 0 };
}

if (import.meta.main) {
  const result = await benchCel();
  const format = (value: number): string => Math.round(value).toLocaleString('en-US');
  console.log(`CEL: weft Program vs raw @marcbachmann/cel-js, ${result.rounds} rounds of ${result.roundMs} ms, ${process.version}`);
  console.table(result.cases.map((entry) => ({
    case: `${entry.name} (${entry.payloadBytes} B)`,
    'weft ops/s': format(entry.weftOpsPerSec),
    'raw ops/s': format(entry.rawOpsPerSec),
    'stock ops/s': format(entry.stockOpsPerSec),
    'weft/raw': `${entry.ratio.toFixed(2)}×`,
  })));
  console.log(`target weft/raw ≥ ${result.target}×: ${result.pass ? 'PASS' : 'BELOW TARGET'}`);
}
