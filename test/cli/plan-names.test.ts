import { describe, expect, it } from 'vitest';
import { MemoryStore } from '../../src/index.ts';
import { ApplyRefused, writePlan } from '../../cli/apply-specs.ts';
import { createScheme } from '../../cli/context.ts';
import { planApply } from '../../cli/plan-apply.ts';
import { parseSpecs } from '../../cli/read-specs.ts';

const uuid = '01900000-0000-7000-8000-000000000001';

/** The codes planApply refuses with, or undefined when it plans. */
async function refusedCodes(store: MemoryStore, namespace: string, yaml: string): Promise<string[] | undefined> {
  try {
    await planApply(parseSpecs(yaml, 'test.yaml'), { scheme: createScheme(), namespace, store });
    return undefined;
  } catch (thrown) {
    if (!(thrown instanceof ApplyRefused)) throw thrown;
    return thrown.failures.map((failure) => failure.error.code);
  }
}

describe('planApply: names the store would refuse', () => {
  it('refuses, while planning, a spec with an id that takes the name of another stored spec', async () => {
    const namespace = `ns-${Math.random().toString(36).slice(2, 8)}`;
    const store = new MemoryStore();
    try {
      const [a] = await store.upsert([{ kind: 'nop', name: 'a', namespace }, { kind: 'nop', name: 'b', namespace }]);
      // A new id with a taken name: the store refuses it, so the plan must too (diff exits 2).
      expect(await refusedCodes(store, namespace, `kind: nop\nname: a\nid: ${uuid}\n`)).toEqual(['ERR_NAME_TAKEN']);
      // A rename onto a taken name.
      expect(await refusedCodes(store, namespace, `kind: nop\nname: b\nid: ${a!.id}\n`)).toEqual(['ERR_NAME_TAKEN']);
      // Taking a name an earlier spec of the same apply gives up is fine, for the store as for the plan.
      const swap = `- {kind: nop, name: c, id: ${a!.id}}\n- {kind: nop, name: a, id: ${uuid}}\n`;
      const planned = await planApply(parseSpecs(swap, 'test.yaml'), { scheme: createScheme(), namespace, store });
      expect(planned.plan.summary).toMatchObject({ create: 1, update: 1 });
      await writePlan(planned, store);
      const names = Object.fromEntries((await store.find({ namespace })).map((spec) => [spec.name, spec.id]));
      expect(names).toEqual({ a: uuid, b: expect.any(String), c: a!.id });
    } finally {
      await store.close();
    }
  });
});
