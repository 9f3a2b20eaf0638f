import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir, weft } from '../harness/cli.ts';

const PING = `
- kind: listener
  name: listener
  protocol: http
  port: 18000
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
  code: pong
`;

describe('weft apply', () => {
  let dir: ReturnType<typeof tempDir>;
  let env: Record<string, string>;

  beforeEach(() => {
    dir = tempDir();
    env = { WEFT_STORE: `sqlite://${join(dir.path, 'weft.db')}` };
    writeFileSync(join(dir.path, 'ping.yaml'), PING);
  });
  afterEach(() => dir.remove());

  const apply = (yaml: string, ...flags: string[]) => {
    const file = join(dir.path, `spec-${Math.random().toString(36).slice(2)}.yaml`);
    writeFileSync(file, yaml);
    return weft(['apply', '-f', file, ...flags], { env, cwd: dir.path });
  };
  const stored = async () => JSON.parse((await weft(['get', '-A', '-o', 'json'], { env, cwd: dir.path })).stdout) as Record<string, unknown>[];

  it('creates specs, then reports them unchanged, then configured, keeping ids', async () => {
    const first = await weft(['apply', '-f', 'ping.yaml', '-o', 'json'], { env, cwd: dir.path });
    expect(first.code).toBe(0);
    const created = JSON.parse(first.stdout) as { id: string; name: string; revision: number }[];
    expect(created.map((spec) => [spec.name, spec.revision])).toEqual([['listener', 1], ['router', 1], ['pong', 1]]);

    const again = await weft(['apply', '-f', 'ping.yaml'], { env, cwd: dir.path });
    expect(again.stdout).toMatch(/pong\s.*unchanged/);

    const changed = await apply(PING.replace('code: pong', 'code: pong2'), '-o', 'json');
    const after = JSON.parse(changed.stdout) as { id: string; name: string; revision: number }[];
    expect(after.find((spec) => spec.name === 'pong')).toMatchObject({ id: created[2]!.id, revision: 2 });
    expect(after.find((spec) => spec.name === 'router')).toMatchObject({ revision: 1 });
  });

  it('reads specs from stdin and applies the namespace flag', async () => {
    const run = await weft(['apply', '-f', '-', '-n', 'team-a', '-o', 'json'], { env, cwd: dir.path, stdin: 'kind: snippet\nname: s\nlanguage: text\ncode: hi\n' });
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject([{ namespace: 'team-a', name: 's' }]);
  });

  const refused: [string, string, string, string][] = [
    ['an unknown kind', 'kind: sprocket\nname: x\n', 'ERR_KIND_UNKNOWN', 'kind'],
    ['a missing field', 'kind: snippet\nname: x\nlanguage: text\n', 'ERR_SPEC_INVALID', 'code'],
    ['a field of the wrong type', 'kind: listener\nname: x\nprotocol: http\nport: eighty\n', 'ERR_SPEC_INVALID', 'port'],
    ['an unknown field', 'kind: nop\nname: x\ncolour: red\n', 'ERR_SPEC_INVALID', 'colour'],
    ['a link to a port the target lacks', 'kind: listener\nname: l\nprotocol: http\nport: 1\nlinks:\n  out: [{name: pong, port: bogus}]\n', 'ERR_PORT_UNKNOWN', 'links.out[0].port'],
    ['a link from a port the kind lacks', 'kind: nop\nname: n\nlinks:\n  out: [{name: pong, port: in}]\n', 'ERR_PORT_UNKNOWN', 'links.out'],
    ['a duplicate name in one apply', '- {kind: nop, name: twin}\n- {kind: nop, name: twin}\n', 'ERR_NAME_TAKEN', 'name'],
    ['a consumer with an unknown queue URL scheme', 'kind: consumer\nname: c\nurl: kafka://broker:9092\nqueue: jobs\n', 'ERR_SPEC_INVALID', 'url: unknown queue URL scheme "kafka"'],
    ['a publisher with an unknown queue URL scheme', 'kind: publisher\nname: p\nurl: sqs://queue\nqueue: jobs\n', 'ERR_SPEC_INVALID', 'url: unknown queue URL scheme "sqs"'],
  ];

  it.each(refused)('refuses %s with a coded error naming the field and stores nothing', async (_case, yaml, code, field) => {
    await weft(['apply', '-f', 'ping.yaml'], { env, cwd: dir.path });
    const before = await stored();
    const run = await apply(`${yaml}`);
    expect(run.code).toBe(1);
    expect(run.stderr).toContain(code);
    expect(run.stderr).toContain(field);
    expect(run.stderr).toContain('nothing was written');
    expect(await stored()).toEqual(before);
  });

  it('refuses a whole batch when one spec is invalid', async () => {
    const run = await apply('- {kind: nop, name: fine}\n- {kind: snippet, name: broken}\n');
    expect(run.code).toBe(1);
    expect(await stored()).toEqual([]);
  });

  it('reports a YAML syntax error with its position', async () => {
    const run = await apply('kind: nop\n  name: [unclosed\n');
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('ERR_FILE_PARSE');
    expect(run.stderr).toMatch(/line \d+/);
  });

  it('reports a missing file', async () => {
    const run = await weft(['apply', '-f', 'nope.yaml'], { env, cwd: dir.path });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('ERR_FILE_UNREADABLE');
  });
});
