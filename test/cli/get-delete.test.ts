import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir, weft } from '../harness/cli.ts';

describe('weft get / delete / validate', () => {
  let dir: ReturnType<typeof tempDir>;
  let env: Record<string, string>;

  beforeEach(async () => {
    dir = tempDir();
    env = { WEFT_STORE: `sqlite://${join(dir.path, 'weft.db')}` };
    writeFileSync(join(dir.path, 'nops.yaml'), '- {kind: nop, name: a}\n- {kind: nop, name: b}\n- {kind: nop, name: c, namespace: other}\n');
    expect((await weft(['apply', '-f', 'nops.yaml'], { env, cwd: dir.path })).code).toBe(0);
  });
  afterEach(() => dir.remove());

  const names = async (...args: string[]) =>
    (JSON.parse((await weft(['get', '-o', 'json', ...args], { env, cwd: dir.path })).stdout) as { name: string }[]).map((spec) => spec.name);

  it('lists one namespace, all namespaces, or named specs', async () => {
    expect(await names()).toEqual(['a', 'b']);
    expect(await names('-n', 'other')).toEqual(['c']);
    expect((await names('-A')).sort()).toEqual(['a', 'b', 'c']);
    expect(await names('b')).toEqual(['b']);
  });

  it('prints a table with upper-case headers', async () => {
    const run = await weft(['get'], { env, cwd: dir.path });
    expect(run.stdout.split('\n')[0]).toMatch(/^ID\s+KIND\s+NAMESPACE\s+NAME\s+REVISION\s+LINKS/);
  });

  it('reports a named spec that does not exist', async () => {
    const run = await weft(['get', 'zzz'], { env, cwd: dir.path });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('ERR_SPEC_NOT_FOUND');
  });

  it('deletes several specs at once', async () => {
    const run = await weft(['delete', 'a', 'b'], { env, cwd: dir.path });
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('nop/a deleted');
    expect(await names()).toEqual([]);
    expect(await names('-n', 'other')).toEqual(['c']);
  });

  it('deletes the specs of a file', async () => {
    const run = await weft(['delete', '-f', 'nops.yaml'], { env, cwd: dir.path });
    expect(run.code).toBe(0);
    expect(await names('-A')).toEqual([]);
  });

  it('deletes nothing when one named spec is missing', async () => {
    const run = await weft(['delete', 'a', 'missing'], { env, cwd: dir.path });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('ERR_SPEC_NOT_FOUND');
    expect(await names()).toEqual(['a', 'b']);
  });

  it('validates without writing', async () => {
    writeFileSync(join(dir.path, 'new.yaml'), 'kind: nop\nname: fresh\n');
    const ok = await weft(['validate', '-f', 'new.yaml'], { env, cwd: dir.path });
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('1 spec(s) valid');
    expect(await names()).toEqual(['a', 'b']);
    writeFileSync(join(dir.path, 'bad.yaml'), 'kind: nop\nname: fresh\nextra: 1\n');
    const bad = await weft(['validate', '-f', 'bad.yaml'], { env, cwd: dir.path });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('ERR_SPEC_INVALID');
  });
});
