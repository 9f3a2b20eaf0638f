import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../../src/store/index.ts';
import { serviceAvailable } from '../../fixtures/services.ts';
import { scratchSchema } from '../../fixtures/postgres-scratch.ts';
import { startTcpProxy } from '../../fixtures/tcp-proxy.ts';
import { weft } from '../../harness/cli.ts';
import { refusalOf } from '../../harness/refusal.ts';

const postgres = await serviceAvailable('postgres');

const SPECS = 100;
/** When to cut the connection, as fractions of an uncut apply's duration: before it connects, while it plans, while it writes, after. */
const CUT_AT = [0, 0.2, 0.4, 0.6, 0.8, 0.9, 1.5];

function batchYaml(batch: number): string {
  let yaml = '';
  for (let i = 0; i < SPECS; i++) yaml += `- kind: snippet\n  name: s-${i}\n  language: text\n  code: batch-${batch} ${'x'.repeat(2000)}\n`;
  return yaml;
}

describe.skipIf(!postgres.available)('a weft apply whose PostgreSQL connection is cut', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it(`ends in seconds with a coded error or success, and the store holds all or none of its ${SPECS} specs`, async () => {
    const schema = await scratchSchema(postgres.url);
    cleanups.push(() => schema.drop());
    const server = new URL(postgres.url);
    const proxy = await startTcpProxy({ host: server.hostname, port: Number(server.port || 5432) });
    cleanups.push(() => proxy.close());
    const proxied = new URL(schema.url());
    proxied.port = String(proxy.port);
    const first = await weft(['apply', '-f', '-', '--store', schema.url()], { stdin: batchYaml(0) });
    expect(first.code, first.stderr).toBe(0);

    const measured = Date.now();
    const uncut = await weft(['apply', '-f', '-', '--store', proxied.href], { stdin: batchYaml(1) });
    expect(uncut.code, uncut.stderr).toBe(0);
    const full = Date.now() - measured;

    let committed = 1;
    const outcomes: string[] = [];
    for (const [index, fraction] of CUT_AT.entries()) {
      const batch = index + 2;
      const cutAt = Math.round(full * fraction);
      const started = Date.now();
      let cut: Promise<void> | undefined;
      const timer = setTimeout(() => (cut = proxy.cut()), cutAt);
      const run = await weft(['apply', '-f', '-', '--store', proxied.href], { stdin: batchYaml(batch) });
      clearTimeout(timer);
      const ms = Date.now() - started;
      if (cut !== undefined) {
        await cut;
        await proxy.restore();
      }
      expect(ms, run.stderr).toBeLessThan(15_000);
      if (run.code !== 0) expect(refusalOf(run).codes, run.stderr).toEqual([expect.stringMatching(/^ERR_STORE_/)]);
      outcomes.push(run.code === 0 ? 'written' : refusalOf(run).codes.join());

      const reader = await openStore(schema.url());
      try {
        const specs = await reader.find({ namespace: 'default' });
        expect(specs).toHaveLength(SPECS);
        const batches = new Set(specs.map((spec) => /^batch-(\d+) /.exec(String(spec.code))?.[1]));
        expect(batches.size, `cut at ${cutAt} ms: a mix of batches ${[...batches].join(', ')}`).toBe(1);
        const [seen] = [...batches];
        expect([String(committed), String(batch)]).toContain(seen);
        if (run.code === 0) expect(seen).toBe(String(batch));
        committed = Number(seen);
      } finally {
        await reader.close();
      }
    }
    console.log(`apply of ${full} ms cut at ${CUT_AT.join(', ')} of it: ${outcomes.join(', ')}`);
    expect(outcomes[0], 'an apply cut before it connects').not.toBe('written');
    // Once the network is back, the same apply goes through.
    const after = await weft(['apply', '-f', '-', '--store', proxied.href], { stdin: batchYaml(99) });
    expect(after.code, after.stderr).toBe(0);
  }, 120_000);
});
