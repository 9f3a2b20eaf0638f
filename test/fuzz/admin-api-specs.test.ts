// Generated specs through the shipped admin API (the specs.* system calls of a running
// `system` runtime) over real HTTP: POST /v1/specs with one spec or a list, and PATCH with a
// generated merge patch, while an engine of `default` serves ping on the same SQLite store.
// Replay a failure with WEFT_FUZZ_SEED=<seed> (fast-check prints the seed and the path).
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { catalogue } from '../../src/index.ts';
import { tempDir } from '../harness/cli.ts';
import { startFuzzEngines, type FuzzEngines } from './fuzz-engines.ts';
import { batchArb, fuzzSeed, specArb } from './spec-arbitrary.ts';

const POST_RUNS = Number(process.env.WEFT_FUZZ_API_RUNS ?? 600);
const PATCH_RUNS = Number(process.env.WEFT_FUZZ_PATCH_RUNS ?? 400);
const MAX_BATCH = 5;
const CHECK_EVERY = 50;

/**
 * Refusals whose code says what is wrong without a field list: the name or id taken, the spec
 * or revision meant, or the HTTP request refused before any workflow saw it (a body over the
 * listener's size limit: 413).
 */
const NAMED_BY_CODE = new Set(['ERR_NAME_TAKEN', 'ERR_ID_TAKEN', 'ERR_SPEC_NOT_FOUND', 'ERR_REVISION_CONFLICT', 'ERR_NAMESPACE_IMMUTABLE', 'ERR_HTTP_REQUEST_INVALID', 'ERR_HTTP_BODY_TOO_LARGE']);

interface ErrorBody {
  readonly error?: { readonly code?: string; readonly message?: string; readonly problems?: readonly { path?: unknown; code?: unknown }[] };
}

const listenerPort = (): number => 42_000 + Math.floor(Math.random() * 18_000);

/** What is wrong with an answer of the API, or undefined when it is a success or a sound refusal. */
function answerProblem(status: number, body: unknown, success: number): string | undefined {
  if (status === success) return undefined;
  if (status >= 500) return `status ${status}: ${JSON.stringify(body).slice(0, 300)}`;
  const error = (body as ErrorBody).error;
  const code = error?.code;
  if (code === undefined || code === 'ERR_INTERNAL' || !(code in catalogue)) return `uncoded refusal ${status}: ${JSON.stringify(body).slice(0, 300)}`;
  if (NAMED_BY_CODE.has(code)) return undefined;
  const problems = error?.problems ?? [];
  if (problems.length === 0 && code !== 'ERR_SYSCALL_PAYLOAD') return `${code} naming no field: ${JSON.stringify(body).slice(0, 300)}`;
  const bad = problems.find((problem) => typeof problem.path !== 'string' || typeof problem.code !== 'string' || problem.code === 'ERR_INTERNAL');
  return bad === undefined ? undefined : `a problem without path or code: ${JSON.stringify(bad)}`;
}

describe('fuzzing the admin API with generated specs', () => {
  let dir: ReturnType<typeof tempDir>;
  let engines: FuzzEngines;
  let api: string;
  const counts = { specs: 0, accepted: 0, refused: 0 };

  beforeAll(async () => {
    dir = tempDir();
    engines = await startFuzzEngines(`sqlite://${join(dir.path, 'weft.db')}`);
    api = await engines.startAdmin();
  }, 30_000);
  afterAll(async () => {
    await engines?.close();
    dir?.remove();
    console.log(`fuzz (admin API): ${counts.specs} specs, ${counts.accepted} accepted, ${counts.refused} refused; seed ${fuzzSeed()}`);
  });

  const send = async (method: string, url: string, body: unknown): Promise<{ status: number; body: unknown }> => {
    const response = await fetch(url, { method, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(10_000) });
    const text = await response.text();
    let parsed: unknown = text;
    try {
      parsed = JSON.parse(text);
    } catch {
      // A body that is not JSON is reported as is.
    }
    return { status: response.status, body: parsed };
  };

  const healthy = async (): Promise<void> => {
    expect(engines.engine.state).toBe('running');
    expect(await engines.ping(), 'the ping workflow stopped answering').toBe('pong');
    expect((await fetch(api, { signal: AbortSignal.timeout(5000) })).status, 'the admin API stopped answering').toBe(200);
  };

  it(`POST /v1/specs: ${POST_RUNS} bodies, never a 500, every refusal coded and naming the field, the store unchanged after it`, async () => {
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(batchArb(listenerPort, MAX_BATCH), fc.boolean(), async (batch, alone) => {
        const body = alone && batch.length === 1 ? batch[0] : batch;
        counts.specs += batch.length;
        const before = JSON.stringify(await engines.store.find());
        const answer = await send('POST', api, body);
        expect(answerProblem(answer.status, answer.body, 201)).toBeUndefined();
        if (answer.status === 201) counts.accepted++;
        else {
          counts.refused++;
          expect(JSON.stringify(await engines.store.find()), 'the store changed after a refusal').toBe(before);
        }
        if (++runs % CHECK_EVERY === 0) {
          await healthy();
          await engines.clean();
        }
      }),
      { seed: fuzzSeed() + 2, numRuns: POST_RUNS, endOnFailure: true },
    );
    await healthy();
  }, 120_000);

  it(`PATCH /v1/specs/:id: ${PATCH_RUNS} generated merge patches of a stored spec, same rules`, async () => {
    const created = await send('POST', api, { kind: 'snippet', name: 'f-target', namespace: 'fuzz', language: 'text', code: 'x' });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const target = created.body as { id: string };
    await fc.assert(
      fc.asyncProperty(specArb(listenerPort), fc.boolean(), async (spec, partial) => {
        // A patch: a few fields of a generated spec (or the whole of it), never its id (the URL says which spec).
        const { id: _id, ...fields } = spec;
        const patch = partial ? Object.fromEntries(Object.entries(fields).filter((_, index) => index % 2 === 1)) : fields;
        counts.specs++;
        const before = JSON.stringify(await engines.store.find());
        const answer = await send('PATCH', `${api}/${target.id}`, patch);
        expect(answerProblem(answer.status, answer.body, 200)).toBeUndefined();
        if (answer.status === 200) counts.accepted++;
        else {
          counts.refused++;
          expect(JSON.stringify(await engines.store.find()), 'the store changed after a refusal').toBe(before);
        }
      }),
      { seed: fuzzSeed() + 3, numRuns: PATCH_RUNS, endOnFailure: true },
    );
    await healthy();
  }, 120_000);
});
