import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir, weft } from '../harness/cli.ts';
import { refusalOf } from '../harness/refusal.ts';

/** Shapes of the common fields that once reached normalisation or link checks and crashed there (ERR_INTERNAL). */
const SHAPES: [field: string, value: unknown, path: RegExp][] = [
  ['links', 'x', /^links/],
  ['links', 1, /^links/],
  ['links', ['x'], /^links/],
  ['links', [null], /^links/],
  ['links', { out: 'x' }, /^links\.out/],
  ['links', { out: null }, /^links\.out/],
  ['links', { out: {} }, /^links\.out/],
  ['links', { out: [null] }, /^links\.out\[0\]/],
  ['links', { out: ['x'] }, /^links\.out\[0\]/],
  ['links', { out: [{ name: 1, port: 2 }] }, /^links\.out\[0\]/],
  ['links', { toString: 1 }, /^links\.toString/],
  ['ports', 'x', /^links/],
  ['ports', { out: [null] }, /^links\.out\[0\]/],
  ['annotations', 'x', /^annotations/],
  ['annotations', ['a'], /^annotations/],
  ['annotations', { a: 1 }, /^annotations\.a/],
  ['annotations', { a: { b: 'c' } }, /^annotations\.a/],
  ['env', 'x', /^env/],
  ['env', ['a'], /^env/],
  ['id', 1, /^id/],
  ['id', { out: 'x' }, /^id/],
  ['id', 'not-a-uuid', /^id/],
  ['name', { toString: 1 }, /^name/],
  ['namespace', { toString: 1 }, /^namespace/],
  ['namespace', 5, /^namespace/],
  ['revision', 'x', /^revision/],
  ['kind', { toString: 1 }, /^kind/],
];

describe('weft validate and apply refuse malformed common fields with a coded error naming the field', () => {
  let dir: ReturnType<typeof tempDir>;
  let env: Record<string, string>;
  beforeAll(async () => {
    dir = tempDir();
    env = { WEFT_STORE: `sqlite://${join(dir.path, 'weft.db')}` };
    const seeded = await weft(['apply', '-f', '-'], { env, cwd: dir.path, stdin: 'kind: nop\nname: seed\n' });
    expect(seeded.code, seeded.stderr).toBe(0);
  });
  afterAll(() => dir.remove());

  it.each(SHAPES)('%s: %j', async (field, value, path) => {
    const spec = JSON.stringify({ kind: 'nop', name: 'shape', [field]: value });
    for (const command of [['validate'], ['validate', '--store', env.WEFT_STORE!], ['apply'], ['diff']]) {
      const run = await weft([...command, '-f', '-'], { env, cwd: dir.path, stdin: spec });
      const refusal = refusalOf(run);
      expect(refusal.codes, `${command.join(' ')}: ${run.stderr}`).not.toContain('ERR_INTERNAL');
      expect(refusal.codes.length, `${command.join(' ')}: ${run.stderr}`).toBeGreaterThan(0);
      expect(refusal.paths.some((found) => path.test(found)), `${command.join(' ')} names ${path}: ${run.stderr}`).toBe(true);
    }
    const stored = JSON.parse((await weft(['get', '-o', 'json'], { env, cwd: dir.path })).stdout) as { name: string }[];
    expect(stored.map((spec) => spec.name)).toEqual(['seed']);
  });

  it.each([
    ['a namespace that is no string', { kind: 'nop', name: 'seed', namespace: { x: 1 } }, /^namespace/],
    ['a name that is no string', { kind: 'nop', name: { toString: 1 } }, /^name/],
    ['an id that is no string', { kind: 'nop', id: 5 }, /^id/],
    ['neither name nor id', { kind: 'nop' }, /^name/],
  ])('weft delete -f refuses a spec with %s naming the field, deleting nothing', async (_label, spec, path) => {
    const run = await weft(['delete', '-f', '-'], { env, cwd: dir.path, stdin: JSON.stringify([{ kind: 'nop', name: 'seed' }, spec]) });
    const refusal = refusalOf(run);
    expect(refusal.codes, run.stderr).toEqual(['ERR_SPEC_INVALID']);
    expect(refusal.paths.some((found) => path.test(found)), run.stderr).toBe(true);
    const stored = JSON.parse((await weft(['get', '-o', 'json'], { env, cwd: dir.path })).stdout) as { name: string }[];
    expect(stored.map((entry) => entry.name)).toEqual(['seed']);
  });
});
