import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createDefaultLanguages, lintSpecs, MemoryStore, normalizeSpec, Process, Scheme, specSyscalls, WeftError, type Problem, type Spec, type SyscallTable } from '../../../src/index.ts';
import { coreKinds } from '../../../schemes/core.ts';

const scheme = new Scheme({ kinds: coreKinds });
const languages = createDefaultLanguages({ javascript: { isolation: 'in-process' } });
const specs = (...raw: Record<string, unknown>[]): Spec[] => raw.map((spec) => normalizeSpec(spec, 'default'));

describe('lintSpecs', () => {
  it('compiles the programs of inline children (a block step) at their path', async () => {
    const found = await lintSpecs(specs({ kind: 'block', name: 'b', specs: [{ kind: 'snippet', language: 'cel', code: 'self +' }] }), { scheme, languages });
    expect(found.map(({ path, code, severity }) => [path, code, severity])).toEqual([['specs[0].code', 'ERR_SNIPPET_COMPILE', 'error']]);
  });

  it('reports no unreachable node in a namespace without sources (a library run by weft invoke)', async () => {
    const found = await lintSpecs(specs({ kind: 'nop', name: 'a' }, { kind: 'nop', name: 'b' }), { scheme, warnings: true });
    expect(found).toEqual([]);
  });

  it('reaches nodes through init links and stored specs', async () => {
    const known = specs({ kind: 'snippet', name: 'stored', language: 'text', code: 'x', links: { out: [{ name: 'late', port: 'in' }] }, id: '0190a4b8-0000-7000-8000-000000000001' });
    const found = await lintSpecs(specs(
      { kind: 'nop', name: 'starter', links: { init: [{ name: 'stored', port: 'in' }] } },
      { kind: 'nop', name: 'late' },
      { kind: 'nop', name: 'lonely' },
    ), { scheme, known, warnings: true, allowDangling: false });
    expect(found.map(({ index, code, severity }) => [index, code, severity])).toEqual([[2, 'ERR_NODE_UNREACHABLE', 'warning']]);
  });
});

describe('the admin API (specs.create, specs.update) refuses programs that do not compile, writing nothing', () => {
  let store: MemoryStore;
  let table: SyscallTable;
  beforeEach(() => {
    store = new MemoryStore();
    table = specSyscalls({ store, scheme, languages, namespace: 'system' });
  });
  afterEach(() => store.close());

  const refusal = async (opcode: string, payload: unknown): Promise<WeftError> => {
    try {
      await table.get(opcode)!(new Process(), payload);
    } catch (thrown) {
      if (thrown instanceof WeftError) return thrown;
      throw thrown;
    }
    throw new Error(`${opcode} should have failed`);
  };

  it.each([
    [{ kind: 'snippet', name: 's', language: 'python', code: 'print(1)' }, 'language', 'ERR_LANGUAGE_UNKNOWN'],
    [{ kind: 'snippet', name: 's', language: 'javascript', code: 'export default 42' }, 'code', 'ERR_SNIPPET_COMPILE'],
    [{ kind: 'if', name: 's', when: 'self.age >=' }, 'when', 'ERR_SNIPPET_COMPILE'],
  ])('create %j', async (spec, path, code) => {
    const error = await refusal('specs.create', spec);
    expect(error.code).toBe('ERR_SPEC_INVALID');
    expect((error.details as Problem[]).map((problem) => [problem.path, problem.code])).toEqual([[path, code]]);
    expect(await store.find({})).toEqual([]);
  });

  it('update with a patch that breaks the code', async () => {
    const [created] = await store.insert([{ kind: 'snippet', namespace: 'default', name: 's', language: 'text', code: 'hi' }]);
    const error = await refusal('specs.update', { id: created!.id, language: 'cel', code: 'self +' });
    expect((error.details as Problem[]).map((problem) => [problem.path, problem.code])).toEqual([['code', 'ERR_SNIPPET_COMPILE']]);
    expect((await store.find({ id: created!.id }))[0]).toMatchObject({ language: 'text', revision: created!.revision });
  });

  it('still accepts a link to a spec created later (links bind late)', async () => {
    const created = await table.get('specs.create')!(new Process(), { kind: 'nop', name: 'early', links: { init: [{ name: 'later', port: 'in' }] } });
    expect(created).toMatchObject({ name: 'early' });
  });
});
