import { describe, expect, it } from 'vitest';
import { LinkIndex, linkResolver, type Linkable } from '../../../src/index.ts';

const entry = (id: string, name?: string, targets: { name?: string; id?: string }[] = []): Linkable =>
  ({ id, name, links: targets.length === 0 ? undefined : { out: targets.map((target) => ({ ...target, port: 'in' })) } });

describe('LinkIndex', () => {
  it('looks a target up by name when the link names one, else by id', () => {
    const index = new LinkIndex<Linkable>();
    const a = entry('id-a', 'a');
    index.add(a);
    expect(index.lookup({ name: 'a', port: 'in' })).toBe(a);
    expect(index.lookup({ id: 'id-a', port: 'in' })).toBe(a);
    expect(index.lookup({ name: 'nope', id: 'id-a', port: 'in' })).toBeUndefined();
  });

  it('knows who links to an entry by its name or id, whether or not the entry is there', () => {
    const index = new LinkIndex<Linkable>();
    const byName = entry('1', 'x', [{ name: 'b' }]);
    const byId = entry('2', 'y', [{ id: 'id-b' }]);
    const unrelated = entry('3', 'z', [{ name: 'c' }]);
    for (const each of [byName, byId, unrelated]) index.add(each);
    expect([...index.dependentsOf({ id: 'id-b', name: 'b' })]).toEqual([byId, byName]);
    index.delete(byName);
    expect([...index.dependentsOf({ id: 'id-b', name: 'b' })]).toEqual([byId]);
  });

  it('keeps a name with the entry that holds it when another entry with that name is deleted', () => {
    const index = new LinkIndex<Linkable>();
    const old = entry('1', 'a');
    const renamed = entry('2', 'a');
    index.add(old);
    index.add(renamed);
    index.delete(old);
    expect(index.byName('a')).toBe(renamed);
  });

  it('resolves across namespaces with linkResolver', () => {
    const find = linkResolver([{ ...entry('1', 'a'), namespace: 'one' }, { ...entry('2', 'a'), namespace: 'two' }]);
    expect(find('two', { name: 'a', port: 'in' })?.id).toBe('2');
    expect(find('three', { name: 'a', port: 'in' })).toBeUndefined();
  });
});
