import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore } from '../../../src/store/index.ts';
import { spawnWeft, tempDir, weft } from '../../harness/cli.ts';
import { storeTargets } from './targets.ts';

const SPECS = 3000;
/** When to kill each try, as fractions of a full apply's measured duration. */
const KILL_AT = [0.35, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0];

function batchYaml(batch: number): string {
  let yaml = '';
  for (let i = 0; i < SPECS; i++) yaml += `- kind: snippet\n  name: s-${i}\n  language: text\n  code: batch-${batch} ${'x'.repeat(200)}\n`;
  return yaml;
}

describe.each(await storeTargets())('an apply killed with SIGKILL ($name)', (target) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it(`leaves either all or none of its ${SPECS} specs, whenever it dies`, async () => {
    const store = await target.open();
    cleanups.push(store.remove);
    const dir = tempDir();
    cleanups.push(async () => dir.remove());
    const first = await weft(['apply', '-f', '-', '--store', store.url, '-o', 'json'], { stdin: batchYaml(0), cwd: dir.path });
    expect(first.code, first.stderr).toBe(0);

    const run = (batch: number, killAfterMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null; ms: number }> => {
      const file = join(dir.path, `batch-${batch}.yaml`);
      writeFileSync(file, batchYaml(batch));
      const started = Date.now();
      const child = spawnWeft(['apply', '-f', file, '--store', store.url, '-o', 'json'], { cwd: dir.path });
      const timer = killAfterMs === undefined ? undefined : setTimeout(() => child.kill('SIGKILL'), killAfterMs);
      return new Promise((resolve) => child.once('exit', (code, signal) => {
        clearTimeout(timer);
        resolve({ code, signal, ms: Date.now() - started });
      }));
    };
    const full = await run(1);
    expect(full.code).toBe(0);
    let committed = 1;
    let killed = 0;

    for (const [index, fraction] of KILL_AT.entries()) {
      const batch = index + 2;
      const outcome = await run(batch, Math.round(full.ms * fraction));
      if (outcome.signal === 'SIGKILL') killed++;
      const reader = await openStore(store.url);
      try {
        const specs = await reader.find({ namespace: 'default' });
        expect(specs).toHaveLength(SPECS);
        const batches = new Set(specs.map((spec) => /^batch-(\d+) /.exec(String(spec.code))?.[1]));
        expect(batches.size, `try ${batch}: a mix of batches ${[...batches].join(', ')}`).toBe(1);
        const [seen] = [...batches];
        expect([String(committed), String(batch)]).toContain(seen);
        if (seen === String(batch)) committed = batch;
        if (outcome.signal !== 'SIGKILL') expect(seen).toBe(String(batch));
      } finally {
        await reader.close();
      }
    }
    expect(killed).toBeGreaterThan(0);
    // The store is still writable after the kills.
    const after = await weft(['apply', '-f', '-', '--store', store.url], { stdin: batchYaml(99), cwd: dir.path });
    expect(after.code, after.stderr).toBe(0);
  }, 120_000);
});
