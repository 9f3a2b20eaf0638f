import { describe, expect, it } from 'vitest';
import { formatForm, parseForm } from '../../../../codecs/_shared/http/form.ts';
import { headerLists } from '../../../../codecs/_shared/http/header-lists.ts';

describe('parseForm', () => {
  it('gives every name the list of its values, in order', () => {
    expect(parseForm('a=1&b=x+y&a=2&c=&d')).toEqual({ a: ['1', '2'], b: ['x y'], c: [''], d: [''] });
    expect(parseForm('')).toEqual({});
  });

  it('keeps __proto__ and constructor as own entries without touching the prototype', () => {
    const lists = parseForm('__proto__=1&constructor=2&__proto__=3');
    expect(Object.getPrototypeOf(lists)).toBe(Object.prototype);
    expect(Object.keys(lists)).toEqual(['__proto__', 'constructor']);
    expect(Object.getOwnPropertyDescriptor(lists, '__proto__')!.value).toEqual(['1', '3']);
    expect(lists.constructor).toEqual(['2']);
  });
});

describe('formatForm', () => {
  it('repeats the name of list values', () => {
    expect(formatForm({ a: ['1', '2'], b: 'x y', c: 3 })).toBe('a=1&a=2&b=x+y&c=3');
  });
});

describe('headerLists', () => {
  it('lower-cases names and keeps one value per header line', () => {
    expect(headerLists(['Host', 'h', 'X-A', '1', 'x-a', '2'])).toEqual({ host: ['h'], 'x-a': ['1', '2'] });
  });
});
