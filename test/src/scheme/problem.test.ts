import { describe, expect, it } from 'vitest';
import { pointerToPath } from '../../../src/index.ts';

describe('pointerToPath', () => {
  it('turns a JSON pointer into a dotted path with indexes in brackets', () => {
    expect(pointerToPath('/routes/0/port')).toBe('routes[0].port');
    expect(pointerToPath('/a/b/12')).toBe('a.b[12]');
    expect(pointerToPath('')).toBe('');
  });

  it('quotes keys that are not identifiers and unescapes ~0 and ~1', () => {
    expect(pointerToPath('/links/out[3]/0')).toBe('links["out[3]"][0]');
    expect(pointerToPath('/headers/content~1type')).toBe('headers["content/type"]');
    expect(pointerToPath('/a~0b')).toBe('["a~b"]');
  });
});
