import { describe, expect, it } from 'vitest';
import { MemoryStore, Process, Scheme, specSyscalls, WeftError, type Spec } from '../../../src/index.ts';
import { prepareSpec } from '../../../src/store/prepare-spec.ts';
import { coreKinds } from '../../../schemes/core.ts';

const scheme = (): Scheme => new Scheme({ kinds: coreKinds });

function annotations(count: number, value: (index: number) => unknown = (index) => `v${index}`): Record<string, unknown> {
  const entries: Record<string, unknown> = {};
  for (let index = 0; index < count; index++) entries[`k${index}`] = value(index);
  return entries;
}

function refusal(run: () => unknown): WeftError {
  try {
    run();
  } catch (thrown) {
    if (thrown instanceof WeftError) return thrown;
    throw thrown;
  }
  throw new Error('expected a refusal');
}

describe('the spec size limits', () => {
  it('Scheme.validate refuses 100 000 annotations with ERR_SPEC_TOO_LARGE naming annotations, in bounded time', () => {
    const spec: Spec = { kind: 'nop', name: 'big', namespace: 'default', annotations: annotations(100_000) as Record<string, string> };
    const started = Date.now();
    expect(scheme().validate(spec)).toEqual([expect.objectContaining({ path: 'annotations', code: 'ERR_SPEC_TOO_LARGE' })]);
    const error = refusal(() => scheme().assertValid(spec));
    expect(error.code).toBe('ERR_SPEC_TOO_LARGE');
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('Scheme.validate lists a bounded number of problems for 10 000 wrong annotations, in bounded time', () => {
    const spec: Spec = { kind: 'nop', name: 'bad', namespace: 'default', annotations: annotations(10_000, (index) => index) as Record<string, string> };
    const started = Date.now();
    const problems = scheme().validate(spec);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(problems.length).toBeGreaterThan(10);
    expect(problems.length).toBeLessThanOrEqual(101);
    expect(problems[0]).toMatchObject({ path: 'annotations.k0', code: 'ERR_SPEC_INVALID' });
  });

  it('Scheme.validate refuses nesting past 64 levels naming the field', () => {
    let env: unknown = 1;
    for (let depth = 0; depth < 100; depth++) env = [env];
    expect(scheme().validate({ kind: 'nop', name: 'deep', namespace: 'default', env: { a: env } })).toEqual([
      expect.objectContaining({ path: expect.stringMatching(/^env\.a(\[0\])+$/), code: 'ERR_SPEC_TOO_LARGE' }),
    ]);
  });

  it('the stores refuse an oversized spec too (prepareSpec), with ERR_SPEC_TOO_LARGE naming the field', () => {
    const error = refusal(() => prepareSpec({ kind: 'nop', name: 'big', env: { blob: 'x'.repeat(2_000_000) } }));
    expect(error.code).toBe('ERR_SPEC_TOO_LARGE');
    expect(error.details).toEqual([expect.objectContaining({ path: 'env' })]);
  });

  it('specs.create and specs.update refuse an oversized spec and write nothing', async () => {
    const store = new MemoryStore();
    try {
      const table = specSyscalls({ store, scheme: scheme(), namespace: 'system' });
      const call = async (opcode: string, payload: unknown): Promise<unknown> => {
        try {
          return await table.get(opcode)!(new Process(), payload);
        } catch (thrown) {
          return thrown;
        }
      };
      const created = await call('specs.create', { kind: 'nop', name: 'big', annotations: annotations(100_000) });
      expect(created).toMatchObject({ code: 'ERR_SPEC_TOO_LARGE', details: [expect.objectContaining({ path: 'annotations' })] });
      await call('specs.create', { kind: 'nop', name: 'small' });
      const updated = await call('specs.update', { name: 'small', annotations: annotations(20_000) });
      expect(updated).toMatchObject({ code: 'ERR_SPEC_TOO_LARGE' });
      const stored = await store.find({ namespace: 'default' });
      expect(stored.map((spec) => [spec.name, spec.revision, spec.annotations])).toEqual([['small', 1, undefined]]);
    } finally {
      await store.close();
    }
  });
});
