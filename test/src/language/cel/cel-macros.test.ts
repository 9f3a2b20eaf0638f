import { describe, expect, it } from 'vitest';
import { celLanguage, type Program } from '../../../../src/index.ts';

const cel = celLanguage();
const run = (code: string, self: unknown = null): unknown => (cel.compile(code) as Program).run(self);

const order = {
  items: [
    { name: 'pen', price: 2, tags: ['office'] },
    { name: 'desk', price: 150, tags: ['office', 'furniture'] },
    { name: 'mug', price: 8, tags: [] },
  ],
  header: { 'x-user': 'ada', 'x-role': 'admin' },
};

describe('cel language: macros', () => {
  it('all and exists test every element, exists_one exactly one', () => {
    expect(run('self.items.all(i, i.price > 0)', order)).toBe(true);
    expect(run('self.items.all(i, i.price > 5)', order)).toBe(false);
    expect(run('self.items.exists(i, i.price > 100)', order)).toBe(true);
    expect(run('self.items.exists(i, i.name == "lamp")', order)).toBe(false);
    expect(run('self.items.exists_one(i, "furniture" in i.tags)', order)).toBe(true);
    expect(run('self.items.exists_one(i, "office" in i.tags)', order)).toBe(false);
  });

  it('map and filter build lists of plain values', () => {
    expect(run('self.items.map(i, i.name)', order)).toEqual(['pen', 'desk', 'mug']);
    expect(run('self.items.filter(i, i.price < 10).map(i, i.price * 2)', order)).toEqual([4, 16]);
    expect(run('self.items.map(i, i.price > 5, i.name)', order)).toEqual(['desk', 'mug']);
    expect(run('[1, 2, 3].map(x, x * 10)')).toEqual([10, 20, 30]);
    expect(run('self.items.map(i, size(i.tags))', order)).toEqual([1, 2, 0]);
  });

  it('ranges over the keys of a map', () => {
    expect(run('self.header.all(k, k.startsWith("x-"))', order)).toBe(true);
    expect(run('self.header.exists(k, self.header[k] == "admin")', order)).toBe(true);
    expect(run('self.header.filter(k, k.endsWith("user"))', order)).toEqual(['x-user']);
  });

  it('binds a value with cel.bind', () => {
    expect(run('cel.bind(total, self.items.map(i, i.price), total.exists(p, p > 100) && size(total) == 3)', order)).toBe(true);
  });

  it('fails on an element of the wrong type with ERR_SNIPPET_RUNTIME', () => {
    expect(() => run('self.l.map(x, x + 1)', { l: [1, 'a'] })).toThrow(expect.objectContaining({ code: 'ERR_SNIPPET_RUNTIME' }));
  });
});
