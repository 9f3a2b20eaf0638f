import { describe, expect, it } from 'vitest';
import { resolveTemplates, valueReferences } from '../../../src/loader/spec-templates.ts';
import type { StoredSpec } from '../../../src/index.ts';

const spec = (fields: Record<string, unknown>): StoredSpec => ({ id: 'id-1', kind: 'k', namespace: 'default', name: 'n', revision: 1, ...fields }) as StoredSpec;
const sources = { values: new Map<string, unknown>([['port', 8080], ['hosts', ['a', 'b']], ['who', 'weft']]) as never, env: { HOME_DIR: '/home/x' } };

describe('spec templates', () => {
  it('a whole-string template keeps the value\'s JSON type; one inside a string is spliced in as text', () => {
    const resolved = resolveTemplates(spec({ port: '{{ values.port }}', hosts: ' {{values.hosts}} ', url: 'http://{{ values.who }}:{{ values.port }}{{ env.HOME_DIR }}', nested: [{ x: '{{ values.hosts }}' }] }), sources);
    expect(resolved).toMatchObject({ port: 8080, hosts: ['a', 'b'], url: 'http://weft:8080/home/x', nested: [{ x: ['a', 'b'] }] });
  });

  it('leaves identity fields and links alone, and returns a spec without templates as it is', () => {
    const plain = spec({ code: 'no templates', links: { out: [{ name: '{{ values.who }}', port: 'in' }] } });
    expect(resolveTemplates(plain, sources)).toBe(plain);
    expect(valueReferences(plain)).toEqual(new Set());
    expect(valueReferences(spec({ a: '{{ values.x }}', b: ['{{ values.y }} {{ env.Z }}'] }))).toEqual(new Set(['x', 'y']));
  });

  it('a missing value or variable throws ERR_TEMPLATE_UNRESOLVED naming the field and the template', () => {
    expect(() => resolveTemplates(spec({ options: { url: '{{ values.nope }}' } }), sources)).toThrow(expect.objectContaining({ code: 'ERR_TEMPLATE_UNRESOLVED', message: expect.stringMatching(/options\.url.*values\.nope/) }));
    expect(() => resolveTemplates(spec({ list: ['x {{ env.NOT_SET }}'] }), sources)).toThrow(expect.objectContaining({ code: 'ERR_TEMPLATE_UNRESOLVED', message: expect.stringMatching(/list\[0\].*NOT_SET/) }));
  });
});
