// Generated specs through `weft validate` and `weft apply` (in-process CLI, SQLite store in a
// temporary folder) while an engine of the namespace `default` serves a ping workflow on that
// store. Replay a failure with WEFT_FUZZ_SEED=<seed> (fast-check prints the seed and the path).
import { join } from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir, weft, type CliRun } from '../harness/cli.ts';
import { refusalProblem } from './cli-refusal.ts';
import { startFuzzEngines, type FuzzEngines } from './fuzz-engines.ts';
import { batchArb, fuzzSeed } from './spec-arbitrary.ts';

/** Runs per path; with batches of 1 to 5 specs, about 5000 specs through validate and 3000 through apply. */
const VALIDATE_RUNS = Number(process.env.WEFT_FUZZ_VALIDATE_RUNS ?? 1700);
const APPLY_RUNS = Number(process.env.WEFT_FUZZ_APPLY_RUNS ?? 1000);
const MAX_BATCH = 5;
/** Every so often: the engine must still serve ping, and the store is cleaned of what piled up. */
const CHECK_EVERY = 50;

const listenerPort = (): number => 42_000 + Math.floor(Math.random() * 18_000);

/** The input text of a batch: JSON mostly, YAML sometimes, one spec alone or a list. */
function text(batch: readonly Record<string, unknown>[], yaml: boolean): string {
  const value = batch.length === 1 ? batch[0] : batch;
  return yaml ? stringify(value) : JSON.stringify(value);
}

describe('fuzzing the CLI with generated specs', () => {
  let dir: ReturnType<typeof tempDir>;
  let env: Record<string, string>;
  let engines: FuzzEngines;
  const counts = { specs: 0, accepted: 0, refused: 0 };

  beforeAll(async () => {
    dir = tempDir();
    env = { WEFT_STORE: `sqlite://${join(dir.path, 'weft.db')}` };
    engines = await startFuzzEngines(env.WEFT_STORE!);
  }, 30_000);
  afterAll(async () => {
    await engines?.close();
    dir?.remove();
    console.log(`fuzz (cli): ${counts.specs} specs, ${counts.accepted} runs accepted, ${counts.refused} refused; seed ${fuzzSeed()}`);
  });

  const checkRun = (run: CliRun): void => {
    expect([0, 1], run.stderr).toContain(run.code);
    if (run.code === 0) {
      counts.accepted++;
      expect(run.stderr).not.toMatch(/^error /m);
      return;
    }
    counts.refused++;
    expect(refusalProblem(run)).toBeUndefined();
  };

  it(`weft validate: ${VALIDATE_RUNS} batches, 0 crashes, every refusal coded and naming the field`, async () => {
    await fc.assert(
      fc.asyncProperty(batchArb(listenerPort, MAX_BATCH), fc.boolean(), async (batch, yaml) => {
        counts.specs += batch.length;
        checkRun(await weft(['validate', '-f', '-'], { env: {}, cwd: dir.path, stdin: text(batch, yaml) }));
      }),
      { seed: fuzzSeed(), numRuns: VALIDATE_RUNS, endOnFailure: true },
    );
  }, 120_000);

  it(`weft apply: ${APPLY_RUNS} batches; a refusal leaves the store unchanged, an accepted batch never breaks the engine`, async () => {
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(batchArb(listenerPort, MAX_BATCH), fc.boolean(), async (batch, yaml) => {
        counts.specs += batch.length;
        const before = JSON.stringify(await engines.store.find());
        const run = await weft(['apply', '-f', '-', '-o', 'json'], { env, cwd: dir.path, stdin: text(batch, yaml) });
        checkRun(run);
        if (run.code === 0) {
          const written = JSON.parse(run.stdout) as { name?: string; namespace: string }[];
          expect(written).toHaveLength(batch.length);
        } else {
          expect(JSON.stringify(await engines.store.find()), 'the store changed after a refusal').toBe(before);
        }
        if (++runs % CHECK_EVERY === 0) {
          expect(engines.engine.state).toBe('running');
          expect(await engines.ping(), 'the ping workflow stopped answering').toBe('pong');
          await engines.clean();
        }
      }),
      { seed: fuzzSeed() + 1, numRuns: APPLY_RUNS, endOnFailure: true },
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(engines.engine.state).toBe('running');
    expect(await engines.ping()).toBe('pong');
  }, 180_000);
});
