import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { MemoryStore } from '../../src/index.ts';
import { writePlan } from '../../cli/apply-specs.ts';
import { createScheme } from '../../cli/context.ts';
import { planApply } from '../../cli/plan-apply.ts';
import { parseSpecs } from '../../cli/read-specs.ts';

describe('writePlan', () => {
  let store: MemoryStore;
  let namespace: string;
  beforeEach(() => {
    store = new MemoryStore();
    namespace = `ns-${Math.random().toString(36).slice(2, 8)}`;
  });
  afterEach(() => store.close());

  const plan = (yaml: string, prune = false) => planApply(parseSpecs(yaml, 'test.yaml'), { scheme: createScheme(), namespace, store, prune });

  it('refuses to overwrite a spec changed between planning and writing, and prunes nothing', async () => {
    await store.insert([{ kind: 'nop', namespace, name: 'a' }, { kind: 'nop', namespace, name: 'gone' }]);
    const planned = await plan('kind: nop\nname: a\nannotations: {mine: "1"}\n', true);
    expect(planned.plan.summary).toMatchObject({ update: 1, delete: 1 });
    const [a] = await store.find({ namespace, name: 'a' });
    await store.update([{ ...a!, annotations: { theirs: '1' } }]);
    const before = await store.find({ namespace });
    await expect(writePlan(planned, store)).rejects.toMatchObject({ code: 'ERR_REVISION_CONFLICT' });
    expect(await store.find({ namespace })).toEqual(before);
  });

  it('never prunes a spec created after planning', async () => {
    await store.insert([{ kind: 'nop', namespace, name: 'a' }, { kind: 'nop', namespace, name: 'gone' }]);
    const planned = await plan('kind: nop\nname: a\n', true);
    await store.insert([{ kind: 'nop', namespace, name: 'newcomer' }]);
    const result = await writePlan(planned, store);
    expect(result.deleted.map((spec) => spec.name)).toEqual(['gone']);
    expect((await store.find({ namespace })).map((spec) => spec.name)).toEqual(['a', 'newcomer']);
  });
});
