import { describe, expect, it } from 'vitest';
import { celLanguage, type Program } from '../../../../src/index.ts';

describe('cel language: keys named like Object.prototype members are ordinary data', () => {
  const cel = celLanguage();
  const run = (code: string, self: unknown): unknown => (cel.compile(code) as Program).run(self);

  it('reads a payload with a "constructor" key, at the top or nested, and gives it back unchanged', () => {
    const body = JSON.parse('{"constructor": 1, "x": {"constructor": {"a": 2}}, "list": [{"constructor": "c"}]}') as Record<string, unknown>;
    expect(run('self.x.constructor.a', body)).toBe(2);
    expect(run('has(self.constructor) && "constructor" in self', body)).toBe(true);
    expect(run('self.list[0].constructor', body)).toBe('c');
    expect(run('self', body)).toEqual(body);
    expect(run('size(self)', body)).toBe(3);
  });

  it('reads __proto__, toString and hasOwnProperty keys as keys, and misses them when absent', () => {
    const body = JSON.parse('{"__proto__": {"a": 1}, "toString": "t", "hasOwnProperty": 2}') as Record<string, unknown>;
    expect(run('self.__proto__.a', body)).toBe(1);
    expect(run('self.toString + string(self.hasOwnProperty)', body)).toBe('t2');
    expect(run('has(self.constructor)', { x: 1 })).toBe(false);
    expect(() => run('self.constructor', { x: 1 })).toThrow();
  });

  it('does not call accessors of a payload it does not read', () => {
    let reads = 0;
    const payload = { method: 'GET', get body() { return ++reads; } };
    expect(run('self.method', payload)).toBe('GET');
    expect(reads).toBe(0);
  });

  it('reads flat payloads (no object inside) the same on every call: a "constructor" key at the top, lists, frame events', () => {
    const flat = JSON.parse('{"constructor": "c", "n": 1}') as Record<string, unknown>;
    for (let i = 0; i < 3; i++) {
      expect(run('self.constructor + string(self.n)', flat)).toBe('c1');
      expect(run('self', flat)).toEqual(flat);
    }
    const event = { type: 1, data: '{"hello":"world"}', connection: 'c-1' };
    expect(run('self.type == 1 || self.type == 2', event)).toBe(true);
    expect(run('self.data', event)).toBe('{"hello":"world"}');
    expect(run('self', event)).toBe(event);
    expect(run('self[1]', [1, 'two', null])).toBe('two');
    const bytes = new Uint8Array([1, 2]);
    expect(run('self', bytes)).toBe(bytes);
  });
});
