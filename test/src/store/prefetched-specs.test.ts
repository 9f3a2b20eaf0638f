import { describe, expect, it } from 'vitest';
import { PrefetchedSpecs } from '../../../src/store/prefetched-specs.ts';
import { prepareSpec } from '../../../src/store/prepare-spec.ts';
import { writeSpecs } from '../../../src/store/write-specs.ts';

const stored = (id: string, name: string | undefined, revision = 1) => ({ id, kind: 'snippet', namespace: 'ns', ...(name === undefined ? {} : { name }), revision });
const specs = (...list: Record<string, unknown>[]) => list.map((spec) => prepareSpec({ kind: 'snippet', namespace: 'ns', ...spec } as never));

describe('PrefetchedSpecs', () => {
  it('lets writeSpecs swap two names in one call and records the changes in call order', () => {
    const table = new PrefetchedSpecs([stored('id-a', 'a'), stored('id-b', 'b')]);
    const changes = writeSpecs('update', specs({ id: 'id-a', name: 'tmp' }, { id: 'id-b', name: 'a' }, { id: 'id-a', name: 'b' }), table);
    expect(changes.map((change) => [change.op, change.spec.id, change.spec.name, change.spec.revision])).toEqual([
      ['update', 'id-a', 'tmp', 2], ['update', 'id-b', 'a', 2], ['update', 'id-a', 'b', 3],
    ]);
    expect(table.changes).toEqual(changes);
    expect(table.byName('ns', 'tmp')).toBeUndefined();
    expect(table.byName('ns', 'b')?.id).toBe('id-a');
  });

  it('sees names taken by the prefetched specs and by earlier specs of the call', () => {
    expect(() => writeSpecs('insert', specs({ name: 'a' }), new PrefetchedSpecs([stored('id-a', 'a')]))).toThrow(expect.objectContaining({ code: 'ERR_NAME_TAKEN' }));
    expect(() => writeSpecs('insert', specs({ name: 'x' }, { name: 'x' }), new PrefetchedSpecs([]))).toThrow(expect.objectContaining({ code: 'ERR_NAME_TAKEN', details: { index: 1 } }));
    expect(() => writeSpecs('insert', specs({ id: 'id-a' }), new PrefetchedSpecs([stored('id-a', undefined)]))).toThrow(expect.objectContaining({ code: 'ERR_ID_TAKEN' }));
  });

  it('upserts by (namespace, name) onto the prefetched spec, keeping its id', () => {
    const [change] = writeSpecs('upsert', specs({ name: 'a', code: 'v2' }), new PrefetchedSpecs([stored('id-a', 'a', 4)]));
    expect(change).toMatchObject({ op: 'update', spec: { id: 'id-a', name: 'a', code: 'v2', revision: 5 }, previous: { revision: 4 } });
  });
});
