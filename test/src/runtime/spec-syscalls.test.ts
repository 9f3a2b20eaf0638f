import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Process, Scheme, specSyscalls, WeftError, type Spec, type SpecStore, type StoredSpec, type SyscallTable } from '../../../src/index.ts';
import { openStore } from '../../../src/store/index.ts';
import { coreKinds } from '../../../schemes/core.ts';
import { tempDir } from '../../harness/cli.ts';

const OWN = 'system';

function snippet(name: string, extra: Partial<Spec> = {}): Spec {
  return { kind: 'snippet', name, language: 'text', code: `reply of ${name}`, ...extra };
}

/** Runs an opcode and returns its result, or the WeftError it failed with. */
async function call(table: SyscallTable, opcode: string, payload: unknown): Promise<unknown> {
  const syscall = table.get(opcode);
  if (syscall === undefined) throw new Error(`no opcode ${opcode}`);
  try {
    return await syscall(new Process(), payload);
  } catch (thrown) {
    if (thrown instanceof WeftError) return thrown;
    throw thrown;
  }
}

async function refusal(table: SyscallTable, opcode: string, payload: unknown): Promise<WeftError> {
  const result = await call(table, opcode, payload);
  expect(result, `${opcode} should have failed`).toBeInstanceOf(WeftError);
  return result as WeftError;
}

const drivers: [string, (dir: string) => Promise<SpecStore>][] = [
  ['memory://', () => openStore('memory://')],
  ['sqlite://', (dir) => openStore(`sqlite://${join(dir, `${randomUUID()}.db`)}`)],
];

describe.each(drivers)('specSyscalls on %s', (_label, open) => {
  let dir: ReturnType<typeof tempDir>;
  let store: SpecStore;
  let table: SyscallTable;
  const name = (): string => `n-${randomUUID().slice(0, 8)}`;

  beforeEach(async () => {
    dir = tempDir();
    store = await open(dir.path);
    table = specSyscalls({ store, scheme: new Scheme({ kinds: coreKinds }), namespace: OWN });
  });

  afterEach(async () => {
    await store.close();
    dir.remove();
  });

  it('offers specs.* and the nodes.* aliases', () => {
    expect([...table.keys()].sort()).toEqual(
      ['create', 'read', 'update', 'delete'].flatMap((op) => [`nodes.${op}`, `specs.${op}`]).sort(),
    );
  });

  describe('create', () => {
    it('stores one spec in namespace default and returns it; a list returns a list', async () => {
      const one = name();
      const created = (await call(table, 'specs.create', snippet(one))) as StoredSpec;
      expect(created).toMatchObject({ name: one, namespace: 'default', revision: 1, kind: 'snippet' });
      expect(created.id).toMatch(/^[0-9a-f-]{36}$/);
      const [a, b] = [name(), name()];
      const listed = (await call(table, 'nodes.create', [snippet(a), snippet(b, { namespace: 'other' })])) as StoredSpec[];
      expect(listed.map((spec) => [spec.namespace, spec.name])).toEqual([['default', a], ['other', b]]);
      expect((await store.find({ name: [one, a, b] })).length).toBe(3);
      expect(await call(table, 'specs.create', [])).toEqual([]);
    });

    it('refuses a payload that is not a spec or a list with ERR_SYSCALL_PAYLOAD', async () => {
      for (const payload of [null, undefined, 'kind: snippet', 42]) {
        const error = await refusal(table, 'specs.create', payload);
        expect(error.code).toBe('ERR_SYSCALL_PAYLOAD');
        expect(error.category).toBe('invalid argument');
      }
    });

    it('lists every problem of an invalid spec and stores nothing', async () => {
      const bad = name();
      const error = await refusal(table, 'specs.create', { kind: 'snippet', name: bad, language: 'text', colour: 'red' });
      expect(error.code).toBe('ERR_SPEC_INVALID');
      expect(error.category).toBe('invalid argument');
      expect((error.details as { path: string }[]).map((problem) => problem.path).sort()).toEqual(['code', 'colour']);
      expect((await refusal(table, 'specs.create', { kind: 'no-such-kind', name: bad })).code).toBe('ERR_KIND_UNKNOWN');
      expect(await store.find({ name: bad })).toEqual([]);
    });

    it('validates a whole list first: several bad specs give ERR_SPECS_INVALID with positions, nothing is written', async () => {
      const names = [name(), name(), name()];
      const error = await refusal(table, 'specs.create', [
        { kind: 'snippet', name: names[0], language: 'text' },
        snippet(names[1]!),
        { kind: 'nope', name: names[2] },
      ]);
      expect(error.code).toBe('ERR_SPECS_INVALID');
      expect(error.category).toBe('invalid argument');
      expect((error.details as { path: string; code: string }[]).map((problem) => [problem.path, problem.code])).toEqual([
        ['[0].code', 'ERR_SPEC_INVALID'],
        ['[2].kind', 'ERR_KIND_UNKNOWN'],
      ]);
      expect(await store.find({ name: names })).toEqual([]);
      const single = await refusal(table, 'specs.create', [snippet(names[0]!), { kind: 'snippet', name: names[1], language: 'text' }]);
      expect(single.code).toBe('ERR_SPEC_INVALID');
      expect((single.details as { path: string }[])[0]!.path).toBe('[1].code');
    });

    it('checks the in-ports that links point at, in the batch and in the store', async () => {
      const [target, source] = [name(), name()];
      await call(table, 'specs.create', snippet(target));
      const error = await refusal(table, 'specs.create', snippet(source, { links: { out: [{ name: target, port: 'nowhere' }] } }));
      expect(error.code).toBe('ERR_SPEC_INVALID');
      expect(error.details).toEqual([expect.objectContaining({ path: 'links.out[0].port', code: 'ERR_PORT_UNKNOWN' })]);
    });

    it('refuses a taken name with ERR_NAME_TAKEN, also within one list, and writes none of the list', async () => {
      const [taken, fresh] = [name(), name()];
      await call(table, 'specs.create', snippet(taken));
      const error = await refusal(table, 'specs.create', [snippet(fresh), snippet(taken)]);
      expect(error.code).toBe('ERR_NAME_TAKEN');
      expect(error.category).toBe('already exists');
      expect((await refusal(table, 'specs.create', [snippet(fresh), snippet(fresh)])).code).toBe('ERR_NAME_TAKEN');
      expect(await store.find({ name: fresh })).toEqual([]);
    });
  });

  describe('read', () => {
    it('reads namespace default for {}, every namespace for null (uniflow\'s GET /v1/nodes), others when named', async () => {
      const [mine, theirs, own] = [name(), name(), name()];
      await store.insert([snippet(mine), snippet(theirs, { namespace: 'other' }), snippet(own, { namespace: OWN })]);
      expect(((await call(table, 'specs.read', {})) as StoredSpec[]).map((spec) => spec.name)).toEqual([mine]);
      for (const payload of [null, undefined]) {
        const found = (await call(table, 'nodes.read', payload)) as StoredSpec[];
        expect(found.map((spec) => spec.name)).toEqual(expect.arrayContaining([mine, theirs, own]));
      }
      expect(((await call(table, 'nodes.read', { namespace: 'other' })) as StoredSpec[]).map((spec) => spec.name)).toEqual([theirs]);
      expect(((await call(table, 'specs.read', { namespace: OWN })) as StoredSpec[]).map((spec) => spec.name)).toEqual([own]);
    });

    it('filters by name, kind and lists of them; an id finds its spec in any namespace', async () => {
      const [a, b, c] = [name(), name(), name()];
      const stored = await store.insert([snippet(a), snippet(b), { kind: 'nop', name: c }, snippet(a, { namespace: 'other' })]);
      const names = async (payload: unknown): Promise<unknown[]> => ((await call(table, 'specs.read', payload)) as StoredSpec[]).map((spec) => spec.name);
      expect(await names({ name: b })).toEqual([b]);
      expect(await names({ name: [a, c] })).toEqual([a, c]);
      expect(await names({ kind: 'nop' })).toEqual([c]);
      expect(await names({ kind: 'snippet', name: [a, c] })).toEqual([a]);
      const found = (await call(table, 'specs.read', { id: stored[3]!.id })) as StoredSpec[];
      expect(found.map((spec) => spec.namespace)).toEqual(['other']);
      expect(await names({ id: stored[3]!.id, namespace: 'default' })).toEqual([]);
      expect(await names({ name: [] })).toEqual([]);
    });

    it('refuses filters with unknown keys or wrong types with ERR_SYSCALL_PAYLOAD listing each', async () => {
      const error = await refusal(table, 'specs.read', { nmae: 'x', kind: 5 });
      expect(error.code).toBe('ERR_SYSCALL_PAYLOAD');
      expect((error.details as { path: string }[]).map((problem) => problem.path).sort()).toEqual(['kind', 'nmae']);
      expect((await refusal(table, 'specs.read', 'everything')).code).toBe('ERR_SYSCALL_PAYLOAD');
      expect((await refusal(table, 'specs.read', { force: true })).code).toBe('ERR_SYSCALL_PAYLOAD');
    });
  });

  describe('update', () => {
    it('merge-patches by id: set, replace and remove (null) fields; the revision grows', async () => {
      const target = name();
      const [stored] = await store.insert([snippet(target, { annotations: { team: 'a', keep: 'yes' } })]);
      const updated = (await call(table, 'specs.update', { id: stored!.id, code: 'new', annotations: { team: null, owner: 'b' } })) as StoredSpec;
      expect(updated).toMatchObject({ id: stored!.id, name: target, code: 'new', language: 'text', revision: 2, annotations: { keep: 'yes', owner: 'b' } });
      expect(updated.annotations).not.toHaveProperty('team');
      expect((await store.find({ id: stored!.id }))[0]).toEqual(updated);
    });

    it('finds the spec by namespace and name when there is no id, and patches links through ports', async () => {
      const [target, next] = [name(), name()];
      await store.insert([snippet(target, { namespace: 'other' }), snippet(next, { namespace: 'other' })]);
      const updated = (await call(table, 'nodes.update', { namespace: 'other', name: target, ports: { out: [{ name: next, port: 'in' }] } })) as StoredSpec;
      expect(updated.links).toEqual({ out: [{ name: next, port: 'in' }] });
      expect(updated).not.toHaveProperty('ports');
      expect((await refusal(table, 'specs.update', { name: target, code: 'x' })).code).toBe('ERR_SPEC_NOT_FOUND');
    });

    it('refuses a stale revision with ERR_REVISION_CONFLICT and accepts the current one', async () => {
      const [stored] = await store.insert([snippet(name())]);
      await call(table, 'specs.update', { id: stored!.id, code: 'second' });
      const error = await refusal(table, 'specs.update', { id: stored!.id, revision: 1, code: 'lost update' });
      expect(error.code).toBe('ERR_REVISION_CONFLICT');
      expect(error.category).toBe('aborted');
      expect((await store.find({ id: stored!.id }))[0]!.code).toBe('second');
      expect(await call(table, 'specs.update', { id: stored!.id, revision: 2, code: 'third' })).toMatchObject({ revision: 3, code: 'third' });
    });

    it('loses no concurrent change: racing patches merge onto each other, a pinned revision wins once', async () => {
      const [stored] = await store.insert([snippet(name(), { annotations: { a: '0', b: '0' } })]);
      const id = stored!.id;
      await Promise.all([
        call(table, 'specs.update', { id, annotations: { a: '1' } }),
        call(table, 'specs.update', { id, annotations: { b: '1' } }),
        call(table, 'specs.update', { id, code: 'changed' }),
      ]);
      expect((await store.find({ id }))[0]).toMatchObject({ annotations: { a: '1', b: '1' }, code: 'changed', revision: 4 });
      const results = await Promise.all([4, 4, 4].map((revision, index) => call(table, 'specs.update', { id, revision, code: `pinned ${index}` })));
      const refused = results.filter((result) => result instanceof WeftError) as WeftError[];
      expect(refused.map((error) => error.code)).toEqual(['ERR_REVISION_CONFLICT', 'ERR_REVISION_CONFLICT']);
      expect((await store.find({ id }))[0]!.revision).toBe(5);
    });

    it('validates the patched spec and writes nothing when a patch of a list fails', async () => {
      const stored = await store.insert([snippet(name()), snippet(name())]);
      const error = await refusal(table, 'specs.update', [{ id: stored[0]!.id, code: 'fine' }, { id: stored[1]!.id, code: null, colour: 'red' }]);
      expect(error.code).toBe('ERR_SPEC_INVALID');
      expect((error.details as { path: string }[]).map((problem) => problem.path).sort()).toEqual(['[1].code', '[1].colour']);
      expect((await store.find({ id: stored[0]!.id }))[0]!.revision).toBe(1);
      const both = (await call(table, 'specs.update', [{ id: stored[0]!.id, code: 'one' }, { id: stored[1]!.id, code: 'two' }])) as StoredSpec[];
      expect(both.map((spec) => [spec.code, spec.revision])).toEqual([['one', 2], ['two', 2]]);
    });

    it('refuses patches it cannot place: no id or name, null, the same spec twice, a missing id, a namespace move', async () => {
      const [stored] = await store.insert([snippet(name())]);
      for (const payload of [null, 'code', { code: 'x' }, [{ id: stored!.id }, { id: stored!.id }], [5], { id: stored!.id, revision: 'one' }]) {
        expect((await refusal(table, 'specs.update', payload)).code).toBe('ERR_SYSCALL_PAYLOAD');
      }
      expect((await refusal(table, 'specs.update', { id: randomUUID(), code: 'x' })).code).toBe('ERR_SPEC_NOT_FOUND');
      const moved = await refusal(table, 'specs.update', { id: stored!.id, namespace: 'elsewhere' });
      expect(moved.code).toBe('ERR_NAMESPACE_IMMUTABLE');
    });

    it('refuses two patches that reach one spec by its id and by its name with ERR_SYSCALL_PAYLOAD, writing nothing', async () => {
      const target = name();
      const [stored] = await store.insert([snippet(target)]);
      const error = await refusal(table, 'specs.update', [{ id: stored!.id, code: 'by id' }, { name: target, code: 'by name' }]);
      expect(error.code).toBe('ERR_SYSCALL_PAYLOAD');
      expect((error.details as { path: string }[]).map((problem) => problem.path)).toEqual(['[1]']);
      expect((await store.find({ id: stored!.id }))[0]!.revision).toBe(1);
    });

    it('lists each payload problem with its path and code, as the schema problems are', async () => {
      const [stored] = (await call(table, 'specs.create', [snippet(name())])) as StoredSpec[];
      for (const payload of [{ id: stored!.id, revision: 'x' }, [{ id: stored!.id }, { id: stored!.id }], [null]]) {
        const error = await refusal(table, 'specs.update', payload);
        expect(error.code, JSON.stringify(payload)).toBe('ERR_SYSCALL_PAYLOAD');
        expect(error.details, JSON.stringify(payload)).toEqual([expect.objectContaining({ path: expect.any(String), code: 'ERR_SYSCALL_PAYLOAD' })]);
      }
      const filter = await refusal(table, 'specs.read', { kind: 5 });
      expect(filter.details).toEqual([expect.objectContaining({ path: 'kind', code: 'ERR_SYSCALL_PAYLOAD' })]);
    });

    it('refuses a rename onto a taken name with ERR_NAME_TAKEN', async () => {
      const [a, b] = [name(), name()];
      const stored = await store.insert([snippet(a), snippet(b)]);
      expect((await refusal(table, 'specs.update', { id: stored[0]!.id, name: b })).code).toBe('ERR_NAME_TAKEN');
    });

    it('refuses to patch specs of its own namespace unless the patch has force: true (not a spec field)', async () => {
      const own = name();
      const [stored] = await store.insert([snippet(own, { namespace: OWN })]);
      const refused = await refusal(table, 'specs.update', { id: stored!.id, code: 'locked out' });
      expect(refused.code).toBe('ERR_NAMESPACE_PROTECTED');
      expect(refused.details).toEqual([expect.objectContaining({ path: 'force', code: 'ERR_NAMESPACE_PROTECTED', id: stored!.id })]);
      expect((await refusal(table, 'nodes.update', [{ namespace: OWN, name: own, code: 'x', force: false }])).code).toBe('ERR_NAMESPACE_PROTECTED');
      expect((await store.find({ id: stored!.id }))[0]).toMatchObject({ revision: 1, code: `reply of ${own}` });
      const forced = (await call(table, 'specs.update', { id: stored!.id, code: 'forced', force: true })) as StoredSpec;
      expect(forced).toMatchObject({ revision: 2, code: 'forced' });
      expect(forced).not.toHaveProperty('force');
      expect((await refusal(table, 'specs.update', { id: stored!.id, code: 'x', force: 'yes' })).code).toBe('ERR_SYSCALL_PAYLOAD');
    });
  });

  describe('delete', () => {
    it('refuses an empty filter (null, {}, a namespace alone) and deletes nothing', async () => {
      await store.insert([snippet(name()), snippet(name(), { namespace: 'other' })]);
      for (const payload of [null, undefined, {}, { namespace: 'other' }, { force: true }]) {
        const error = await refusal(table, 'nodes.delete', payload);
        expect(error.code).toBe('ERR_DELETE_UNSCOPED');
        expect(error.category).toBe('invalid argument');
      }
      expect((await store.find({})).length).toBe(2);
    });

    it('deletes what the filter matches in one namespace and returns it', async () => {
      const [a, b] = [name(), name()];
      await store.insert([snippet(a), snippet(b), snippet(a, { namespace: 'other' })]);
      const deleted = (await call(table, 'specs.delete', { name: a })) as StoredSpec[];
      expect(deleted.map((spec) => [spec.namespace, spec.name])).toEqual([['default', a]]);
      expect((await store.find({})).map((spec) => [spec.namespace, spec.name])).toEqual([['default', b], ['other', a]]);
      expect(await call(table, 'specs.delete', { name: a })).toEqual([]);
      const [other] = await store.find({ namespace: 'other' });
      expect(((await call(table, 'specs.delete', { id: other!.id })) as StoredSpec[]).map((spec) => spec.id)).toEqual([other!.id]);
    });

    it('refuses to delete specs of its own namespace unless force is true', async () => {
      const own = name();
      const [stored] = await store.insert([snippet(own, { namespace: OWN })]);
      const byName = await refusal(table, 'specs.delete', { namespace: OWN, name: own });
      expect(byName.code).toBe('ERR_NAMESPACE_PROTECTED');
      expect(byName.category).toBe('failed precondition');
      // Listed like every other problem (path, code, message), naming the spec it protects.
      expect(byName.details).toEqual([expect.objectContaining({ path: 'force', code: 'ERR_NAMESPACE_PROTECTED', message: expect.any(String), id: stored!.id, name: own })]);
      expect((await refusal(table, 'specs.delete', { id: stored!.id })).code).toBe('ERR_NAMESPACE_PROTECTED');
      expect((await store.find({ id: stored!.id })).length).toBe(1);
      const forced = (await call(table, 'specs.delete', { id: stored!.id, force: true })) as StoredSpec[];
      expect(forced.map((spec) => spec.name)).toEqual([own]);
      expect(await store.find({ namespace: OWN })).toEqual([]);
    });

    it('refuses bad filters with ERR_SYSCALL_PAYLOAD', async () => {
      for (const payload of ['all', { name: 'x', force: 'yes' }, { name: 'x', everything: true }]) {
        expect((await refusal(table, 'specs.delete', payload)).code).toBe('ERR_SYSCALL_PAYLOAD');
      }
    });
  });
});
