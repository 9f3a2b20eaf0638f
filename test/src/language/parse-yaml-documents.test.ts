import { describe, expect, it } from 'vitest';
import { parseYamlDocuments, YAML_LIMITS } from '../../../src/index.ts';

/** Nine anchors, each a list of nine aliases of the one before: 9^9 "lol"s when expanded. */
function billionLaughs(): string {
  let text = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n';
  const names = 'abcdefghi';
  for (let level = 1; level < names.length; level++) {
    text += `${names[level]}: &${names[level]} [${Array.from({ length: 9 }, () => `*${names[level - 1]}`).join(',')}]\n`;
  }
  return text;
}

function refusal(text: string, limits = YAML_LIMITS): string {
  const parsed = parseYamlDocuments(text, limits);
  if (parsed.ok) throw new Error(`expected ${JSON.stringify(text.slice(0, 40))} to be refused`);
  return parsed.reason;
}

describe('parseYamlDocuments', () => {
  it('gives the value of each document, an empty list for an empty text', () => {
    expect(parseYamlDocuments('a: 1\n---\n- b\n')).toEqual({ ok: true, documents: [{ a: 1 }, ['b']] });
    expect(parseYamlDocuments('')).toEqual({ ok: true, documents: [] });
    expect(parseYamlDocuments('{"a": [1, {"b": null}]}')).toEqual({ ok: true, documents: [{ a: [1, { b: null }] }] });
  });

  it('keeps aliases that stand for a few nodes', () => {
    expect(parseYamlDocuments('base: &b {x: 1}\none: *b\ntwo: *b\n')).toEqual({ ok: true, documents: [{ base: { x: 1 }, one: { x: 1 }, two: { x: 1 } }] });
  });

  it('refuses an alias bomb, an undefined alias and a self-containing alias with their position', () => {
    expect(refusal(billionLaughs())).toMatch(/aliases stand for more than 100000 nodes .* at line \d+, column \d+$/);
    expect(refusal('a: 1\nb: *nope\n')).toMatch(/no anchor &nope .* at line 2, column 4$/);
    expect(refusal('a: &x [1, *x]\n')).toMatch(/inside the node it names at line 1, column 11$/);
  });

  it('refuses duplicate keys with their position, in linear time (50 000 keys)', () => {
    expect(refusal('a: 1\nb: 2\na: 3\n')).toMatch(/duplicate key "a" .* at line 3, column 1$/);
    const keys = Array.from({ length: 50_000 }, (_, index) => `"k${index}": ${index}`).join(', ');
    const started = Date.now();
    const parsed = parseYamlDocuments(`{${keys}}`);
    expect(parsed.ok).toBe(true);
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('refuses nesting past the limit, and far past it, with a position', () => {
    expect(refusal(`x: ${'['.repeat(101)}${']'.repeat(101)}\n`)).toMatch(/nested deeper than 100 levels at line 1, column \d+$/);
    expect(refusal(`x: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n`)).toMatch(/at line 1, column \d+$/);
    expect(parseYamlDocuments(`x: ${'['.repeat(99)}${']'.repeat(99)}\n`).ok).toBe(true);
  });

  it('reads JSON as YAML would, fast: duplicate keys (escaped or not) and deep nesting refused with their position', () => {
    expect(parseYamlDocuments(' [{"a": "x\\"y", "b": [1, {"a": 2}]}, {"a": 3}]')).toEqual({ ok: true, documents: [[{ a: 'x"y', b: [1, { a: 2 }] }, { a: 3 }]] });
    expect(refusal('{"kind": "nop",\n "a\\u0062": 1, "ab": 2}')).toMatch(/duplicate key "ab" .* at line 2, column 16$/);
    expect(refusal(`${'['.repeat(10_000)}${']'.repeat(10_000)}`)).toMatch(/nested deeper than 100 levels at line 1, column 101$/);
    expect(parseYamlDocuments('[a, b]')).toEqual({ ok: true, documents: [['a', 'b']] });
    const big = JSON.stringify(Array.from({ length: 20_000 }, (_, index) => ({ kind: 'nop', name: `s${index}`, links: { out: [{ name: `s${index + 1}`, port: 'in' }] } })));
    const started = Date.now();
    expect(parseYamlDocuments(big).ok).toBe(true);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('refuses a text over maxBytes before parsing it', () => {
    expect(refusal('a: 1\n'.repeat(10), { ...YAML_LIMITS, maxBytes: 20 })).toMatch(/50 bytes, more than the 20/);
  });

  it('reports a syntax error once, with its line and column', () => {
    expect(refusal('a: [1, 2\n')).toMatch(/^[^\n]* at line \d+, column \d+$/);
    expect(refusal('a: [1, 2\n').match(/at line/g)).toHaveLength(1);
  });

  it('leaves the YAML 1.1 tags unresolved: values stay plain data', () => {
    expect(parseYamlDocuments('a: !!binary aGk=\nb: !!set {x}\nc: !!timestamp 2001-12-14\n')).toEqual({ ok: true, documents: [{ a: 'aGk=', b: { x: null }, c: '2001-12-14' }] });
  });
});
