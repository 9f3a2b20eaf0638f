import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir, weft } from '../harness/cli.ts';
import type { ApplyPlan } from '../../cli/plan-apply.ts';

const ping = (code: string, port = 18000) => `
- kind: listener
  name: listener
  protocol: http
  port: ${port}
  links:
    out: [{ name: router, port: in }]
- kind: router
  name: router
  routes: [{ method: GET, path: /ping, port: 'out[0]' }]
  links:
    'out[0]': [{ name: pong, port: in }]
- kind: snippet
  name: pong
  language: text
  code: ${code}
`;

type Stored = { id: string; name: string; namespace: string; revision: number; code?: string };

describe('weft apply --dry-run / --prune', () => {
  let dir: ReturnType<typeof tempDir>;
  let env: Record<string, string>;
  let namespace: string;

  beforeEach(() => {
    dir = tempDir();
    env = { WEFT_STORE: `sqlite://${join(dir.path, 'weft.db')}` };
    namespace = `ns-${Math.random().toString(36).slice(2, 8)}`;
  });
  afterEach(() => dir.remove());

  const file = (yaml: string): string => {
    const path = join(dir.path, `spec-${Math.random().toString(36).slice(2)}.yaml`);
    writeFileSync(path, yaml);
    return path;
  };
  const run = (...args: string[]) => weft([...args, '-n', namespace], { env, cwd: dir.path });
  const stored = async (ns = namespace) => JSON.parse((await weft(['get', '-n', ns, '-o', 'json'], { env, cwd: dir.path })).stdout) as Stored[];
  const plan = async (...args: string[]) => {
    const result = await run(...args, '-o', 'json');
    expect(result.code, result.stderr).toBe(0);
    return JSON.parse(result.stdout) as ApplyPlan;
  };

  it('prints the plan of a first apply and writes nothing', async () => {
    const result = await plan('apply', '--dry-run', '-f', file(ping('pong')));
    expect(result).toMatchObject({ namespaces: [namespace], prune: false, changed: true, summary: { create: 3, update: 0, unchanged: 0, delete: 0 } });
    expect(result.specs.map((spec) => [spec.action, spec.name])).toEqual([['create', 'listener'], ['create', 'router'], ['create', 'pong']]);
    expect(result.nodes.map((node) => [node.node, node.effect, node.active])).toEqual([
      [`${namespace}/listener`, 'start', true], [`${namespace}/router`, 'start', true], [`${namespace}/pong`, 'start', true],
    ]);
    expect(await stored()).toEqual([]);
  });

  it('lists updates with a field-level diff, unchanged specs without one, and the nodes that restart', async () => {
    expect((await run('apply', '-f', file(ping('pong')))).code).toBe(0);
    const before = await stored();
    const result = await plan('apply', '--dry-run', '-f', file(ping('pong2').replace('routes: [', 'annotations: {owner: me}\n  routes: [')));
    expect(result.summary).toEqual({ create: 0, update: 2, unchanged: 1, delete: 0 });
    const byName = Object.fromEntries(result.specs.map((spec) => [spec.name, spec]));
    expect(byName.listener).toMatchObject({ action: 'unchanged', revision: 1 });
    expect(byName.listener).not.toHaveProperty('fields');
    expect(byName.router).toMatchObject({ action: 'update', revision: 1, fields: [{ path: 'annotations', op: 'add', new: { owner: 'me' } }] });
    expect(byName.pong).toMatchObject({ action: 'update', id: before.find((spec) => spec.name === 'pong')!.id, fields: [{ path: 'code', op: 'change', old: 'pong', new: 'pong2' }] });
    expect(result.nodes.map((node) => [node.node.split('/')[1], node.effect])).toEqual([['router', 'restart'], ['pong', 'restart'], ['listener', 'relink']]);
    expect(await stored()).toEqual(before);
  });

  it('says in the table that a listener on an unchanged address keeps its socket', async () => {
    expect((await run('apply', '-f', file(ping('pong')))).code).toBe(0);
    const annotated = ping('pong').replace('protocol: http', 'protocol: http\n  annotations: {v: "2"}');
    const json = await plan('apply', '--dry-run', '-f', file(annotated));
    expect(json.nodes.find((node) => node.kind === 'listener')).toMatchObject({ effect: 'restart', socket: 'kept' });
    const moved = await plan('apply', '--dry-run', '-f', file(ping('pong', 18001)));
    expect(moved.nodes.find((node) => node.kind === 'listener')).toMatchObject({ effect: 'restart', socket: 'reopened' });
    const table = await run('apply', '--dry-run', '-f', file(annotated));
    expect(table.stdout).toMatch(/listener\s+listener\s+restart\s+yes\s+kept\s+.*keeps its socket/);
    expect(table.stdout).toContain('Dry run: nothing was written.');
  });

  it('prunes exactly the specs of the namespace that are absent from the files, and no other namespace', async () => {
    const other = `${namespace}-other`;
    expect((await run('apply', '-f', file(`${ping('pong')}- {kind: nop, name: extra}\n- {kind: nop, name: spare}\n`))).code).toBe(0);
    expect((await weft(['apply', '-n', other, '-f', file('kind: nop\nname: extra\n')], { env, cwd: dir.path })).code).toBe(0);
    const before = await stored();
    const result = await run('apply', '--prune', '-f', file(`${ping('pong')}- {kind: nop, name: spare}\n`));
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(/nop\s+\S+\s+extra\s+1\s+<none>\s+pruned/);
    const after = await stored();
    expect(after.map((spec) => spec.name)).toEqual(['listener', 'router', 'pong', 'spare']);
    expect(after).toEqual(before.filter((spec) => spec.name !== 'extra'));
    expect((await stored(other)).map((spec) => spec.name)).toEqual(['extra']);
  });

  it('shows the deletions of --prune with --dry-run, and deletes nothing', async () => {
    expect((await run('apply', '-f', file(`${ping('pong')}- {kind: nop, name: extra}\n`))).code).toBe(0);
    const before = await stored();
    const trimmed = ping('pong').replace(/- kind: snippet[\s\S]*$/, '').replace("'out[0]': [{ name: pong, port: in }]", "'out[0]': []");
    const result = await plan('apply', '--dry-run', '--prune', '-f', file(trimmed));
    expect(result).toMatchObject({ prune: true, summary: { create: 0, update: 1, unchanged: 1, delete: 2 } });
    expect(result.specs.filter((spec) => spec.action === 'delete').map((spec) => [spec.name, spec.revision])).toEqual([['pong', 1], ['extra', 1]]);
    expect(result.nodes.filter((node) => node.effect === 'stop').map((node) => node.node)).toEqual([`${namespace}/pong`, `${namespace}/extra`]);
    expect(await stored()).toEqual(before);
    const withoutPrune = await plan('apply', '--dry-run', '-f', file(trimmed));
    expect(withoutPrune.summary.delete).toBe(0);
  });

  it('refuses --prune without any spec, deleting nothing', async () => {
    expect((await run('apply', '-f', file(ping('pong')))).code).toBe(0);
    const result = await run('apply', '--prune', '-f', file('# nothing\n'));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('ERR_CONFIG_INVALID');
    expect(await stored()).toHaveLength(3);
  });

  it('refuses a spec carrying a stale revision with ERR_REVISION_CONFLICT and leaves the store as it was', async () => {
    expect((await run('apply', '-f', file(ping('pong')))).code).toBe(0);
    const exported = (await run('get', 'pong', '-o', 'yaml')).stdout;
    expect(exported).toContain('revision: 1');
    const edited = file(exported.replace('code: pong', 'code: mine'));
    expect((await run('apply', '-f', file(ping('theirs')))).code).toBe(0);
    const before = await stored();
    for (const flags of [[], ['--dry-run'], ['--prune']]) {
      const result = await run('apply', ...flags, '-f', edited, '-f', file('kind: nop\nname: bystander\n'));
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(new RegExp(`ERR_REVISION_CONFLICT \\(${edited.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\)`));
      expect(result.stderr).toContain('nothing was written');
      expect(await stored()).toEqual(before);
    }
  });

  it('applies a spec carrying the stored revision and bumps it', async () => {
    expect((await run('apply', '-f', file(ping('pong')))).code).toBe(0);
    const exported = (await run('get', 'pong', '-o', 'yaml')).stdout;
    const result = await run('apply', '-o', 'json', '-f', file(exported.replace('code: pong', 'code: mine')));
    expect(result.code, result.stderr).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject([{ name: 'pong', code: 'mine', revision: 2 }]);
  });

  it('refuses an id that lives in another namespace while planning', async () => {
    const [elsewhere] = JSON.parse((await weft(['apply', '-n', `${namespace}-b`, '-o', 'json', '-f', file('kind: nop\nname: a\n')], { env, cwd: dir.path })).stdout) as Stored[];
    const result = await run('apply', '--dry-run', '-f', file(`kind: nop\nname: a\nid: ${elsewhere!.id}\n`));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('ERR_NAMESPACE_IMMUTABLE');
  });

  it('prints the plan as YAML', async () => {
    const result = await run('apply', '--dry-run', '-o', 'yaml', '-f', file('kind: nop\nname: a\n'));
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^namespaces:\n {2}- ns-/);
    expect(result.stdout).toContain('action: create');
  });
});
