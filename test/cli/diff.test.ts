import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runWeft, tempDir, weft } from '../harness/cli.ts';
import type { ApplyPlan } from '../../cli/plan-apply.ts';

describe('weft diff', () => {
  let dir: ReturnType<typeof tempDir>;
  let env: Record<string, string>;
  let namespace: string;

  beforeEach(async () => {
    dir = tempDir();
    env = { WEFT_STORE: `sqlite://${join(dir.path, 'weft.db')}` };
    namespace = `ns-${Math.random().toString(36).slice(2, 8)}`;
    writeFileSync(join(dir.path, 'base.yaml'), '- {kind: nop, name: a}\n- {kind: snippet, name: s, language: text, code: one}\n');
    expect((await weft(['apply', '-n', namespace, '-f', 'base.yaml'], { env, cwd: dir.path })).code).toBe(0);
  });
  afterEach(() => dir.remove());

  let stdin = '';
  const diff = (...args: string[]) => weft(['diff', '-n', namespace, ...args], { env, cwd: dir.path, stdin: args.includes('-') ? stdin : '' });
  const stored = async () => (await weft(['get', '-n', namespace, '-o', 'json'], { env, cwd: dir.path })).stdout;

  it('plans against an empty store, and creates no file, when the SQLite store does not exist', async () => {
    const missing = join(dir.path, 'typo', 'weft.db');
    for (const args of [['diff', '-f', 'base.yaml'], ['apply', '--dry-run', '-f', 'base.yaml']]) {
      const result = await weft([...args, '-n', namespace, '--store', `sqlite://${missing}`, '-o', 'json'], { env, cwd: dir.path });
      expect(result.code, result.stderr).toBe(args[0] === 'diff' ? 1 : 0);
      expect(result.stderr).toContain('does not exist yet');
      expect((JSON.parse(result.stdout) as ApplyPlan).summary.create).toBe(2);
    }
    expect(existsSync(join(dir.path, 'typo'))).toBe(false);
  });

  it('exits 0 and reports no changes when the files match the store', async () => {
    const result = await diff('-f', 'base.yaml');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('no changes (2 unchanged)');
  });

  it('exits 1 with the plan when something would change, and writes nothing', async () => {
    const before = await stored();
    stdin = '- {kind: nop, name: a}\n- {kind: snippet, name: s, language: text, code: two}\n- {kind: nop, name: b}\n';
    const result = await diff('-f', '-', '-o', 'json');
    expect(result.code).toBe(1);
    const plan = JSON.parse(result.stdout) as ApplyPlan;
    expect(plan.summary).toEqual({ create: 1, update: 1, unchanged: 1, delete: 0 });
    expect(plan.specs.find((spec) => spec.name === 's')!.fields).toEqual([{ path: 'code', op: 'change', old: 'one', new: 'two' }]);
    expect(await stored()).toBe(before);
  });

  it('shows deletions only with --prune, and counts them as changes', async () => {
    writeFileSync(join(dir.path, 'only-a.yaml'), 'kind: nop\nname: a\n');
    expect((await diff('-f', 'only-a.yaml')).code).toBe(0);
    const pruned = await diff('-f', 'only-a.yaml', '--prune');
    expect(pruned.code).toBe(1);
    expect(pruned.stdout).toMatch(/delete\s+snippet\s+\S+\s+s\s+1/);
    expect(pruned.stdout).toMatch(/\/s\s+snippet\s+stop/);
  });

  it('exits 2 on an error, printing its code: a refused spec, a missing file, a stale revision', async () => {
    writeFileSync(join(dir.path, 'bad.yaml'), 'kind: snippet\nname: s\nlanguage: text\n');
    const refused = await diff('-f', 'bad.yaml');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('ERR_SPEC_INVALID');
    expect(refused.stdout).toBe('');
    const missing = await diff('-f', 'missing.yaml');
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('ERR_FILE_UNREADABLE');
    writeFileSync(join(dir.path, 'stale.yaml'), 'kind: nop\nname: a\nrevision: 7\n');
    const stale = await diff('-f', 'stale.yaml');
    expect(stale.code).toBe(2);
    expect(stale.stderr).toContain('ERR_REVISION_CONFLICT');
  });

  it('exits 2 on a usage error, printed to the command\'s stderr', async () => {
    const noFile = await diff();
    expect(noFile.code).toBe(2);
    expect(noFile.stderr).toContain('--filename');
    expect((await diff('-f', 'base.yaml', '-o', 'xml')).code).toBe(2);
  });

  it('sets the exit status of the real executable', async () => {
    writeFileSync(join(dir.path, 'changed.yaml'), 'kind: nop\nname: c\n');
    const changed = await runWeft(['diff', '-n', namespace, '-f', 'changed.yaml'], { cwd: dir.path, env });
    expect(changed.code, changed.stderr).toBe(1);
    const same = await runWeft(['diff', '-n', namespace, '-f', 'base.yaml'], { cwd: dir.path, env });
    expect(same.code, same.stderr).toBe(0);
  }, 20_000);
});
