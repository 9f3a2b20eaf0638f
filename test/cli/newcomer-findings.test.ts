import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually, freePort, spawnWeft, stopWeft, tempDir, weft } from '../harness/cli.ts';

const dirs: ReturnType<typeof tempDir>[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) dir.remove();
});
function fresh(): string {
  const dir = tempDir();
  dirs.push(dir);
  return dir.path;
}

describe('what a newcomer trips over (issue 12 findings)', () => {
  it('answers an unknown command with --help as a usage error (exit 2), not the root help', async () => {
    const run = await weft(['launch', '--help'], { cwd: fresh() });
    expect(run.code).toBe(2);
    expect(run.stderr).toContain("unknown command 'launch'");
    expect(run.stdout).toBe('');
  });

  it('lists the choices of a bad --log-level instead of "Expected union value"', async () => {
    const run = await weft(['start', '--log-level', 'bogus'], { cwd: fresh() });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('ERR_CONFIG_INVALID');
    expect(run.stderr).toContain('must be one of trace, debug, info, warn, error, fatal, silent (got "bogus")');
  });

  it('weft get and weft token list leave no SQLite file behind where there was none', async () => {
    const cwd = fresh();
    for (const args of [['get'], ['token', 'list']]) {
      const run = await weft(args, { cwd });
      expect(run.code, run.stderr).toBe(0);
      expect(run.stderr).toContain('nothing is created');
    }
    expect(existsSync(join(cwd, '.weft'))).toBe(false);
  });

  it('weft get NAME of a missing spec says only that it is missing, not that the namespace is empty', async () => {
    const cwd = fresh();
    expect((await weft(['apply', '-f', '-'], { cwd, stdin: 'kind: nop\nname: here\n' })).code).toBe(0);
    const run = await weft(['get', 'nosuch'], { cwd });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('ERR_SPEC_NOT_FOUND');
    expect(run.stderr).not.toContain('No specs found');
    expect(run.stdout).toBe('');
  });

  it('on a Node.js older than 22.12, the executable says which version it needs before loading anything', (context) => {
    const old = ['/usr/bin/node', '/usr/local/bin/node'].find((path) => {
      if (!existsSync(path)) return false;
      const version = spawnSync(path, ['--version'], { encoding: 'utf8' }).stdout.trim();
      const [major = 0, minor = 0] = version.replace(/^v/, '').split('.').map(Number);
      return major < 22 || (major === 22 && minor < 12);
    });
    if (old === undefined) {
      context.skip('no Node.js older than 22.12 on this machine to run the check with');
      return;
    }
    // The executable as plain JavaScript, alone in a folder: without the check it would fail importing ./io.ts.
    const cwd = fresh();
    copyFileSync(new URL('../../cli/weft.ts', import.meta.url), join(cwd, 'weft.mjs'));
    const run = spawnSync(old, [join(cwd, 'weft.mjs'), 'get'], { encoding: 'utf8', timeout: 10_000 });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('ERR_NODE_VERSION');
    expect(run.stderr).toContain('22.12');
    expect(run.stderr).not.toContain('at ');
  });
});

describe('weft delete', () => {
  it('deletes by the id weft get prints, as well as by name', async () => {
    const cwd = fresh();
    expect((await weft(['apply', '-f', '-'], { cwd, stdin: 'kind: nop\nname: one\n---\nkind: nop\nname: two\n' })).code).toBe(0);
    const listed = JSON.parse((await weft(['get', '-o', 'json'], { cwd })).stdout) as { id: string; name: string }[];
    const one = listed.find((spec) => spec.name === 'one')!;
    const byId = await weft(['delete', one.id], { cwd });
    expect(byId.code, byId.stderr).toBe(0);
    expect(byId.stdout).toContain('nop/one deleted');
    expect((await weft(['delete', 'two'], { cwd })).code).toBe(0);
    const refused = await weft(['delete', '0193c0de-0000-7000-8000-000000000000'], { cwd });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('ERR_SPEC_NOT_FOUND');
  });
});

describe('weft apply of an unnamed spec', () => {
  it('is refused with the field named, instead of creating a duplicate at every apply', async () => {
    const cwd = fresh();
    for (let round = 0; round < 2; round++) {
      const run = await weft(['apply', '-f', '-'], { cwd, stdin: 'kind: nop\n' });
      expect(run.code).toBe(1);
      expect(run.stderr).toContain('ERR_SPEC_INVALID');
      expect(run.stderr).toContain('name');
    }
    expect((await weft(['get', '-o', 'json'], { cwd })).stdout.trim()).toBe('[]');
  });
});

describe('weft kinds and weft explain', () => {
  it('lists every kind of the scheme with a summary (errors.md points there)', async () => {
    const run = await weft(['kinds', '-o', 'json'], { cwd: fresh() });
    expect(run.code).toBe(0);
    const kinds = JSON.parse(run.stdout) as { kind: string; description: string }[];
    expect(kinds.map((entry) => entry.kind)).toEqual(expect.arrayContaining(['listener', 'router', 'snippet', 'consumer', 'schedule']));
    expect(kinds.every((entry) => entry.description.length > 10)).toBe(true);
    const table = await weft(['kinds'], { cwd: fresh() });
    expect(table.stdout).toMatch(/^KIND\s+SUMMARY/);
  });

  it('explains a kind (fields, required, ports) and a nested field; an unknown kind is ERR_KIND_UNKNOWN', async () => {
    const kind = JSON.parse((await weft(['explain', 'listener', '-o', 'json'], { cwd: fresh() })).stdout) as { fields: { field: string; required: boolean }[]; ports: { out: string[] } };
    expect(kind.fields.find((field) => field.field === 'port')).toMatchObject({ required: true });
    expect(kind.fields.map((field) => field.field)).toEqual(expect.arrayContaining(['host', 'limits', 'cors', 'rateLimit', 'tls', 'auth']));
    expect(kind.ports.out).toEqual(['out', 'error']);
    const role = await weft(['explain', 'listener.auth.role'], { cwd: fresh() });
    expect(role.stdout).toContain('"read" | "write" | "admin" | "by-method"');
    const unknown = await weft(['explain', 'nosuch'], { cwd: fresh() });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('ERR_KIND_UNKNOWN');
    const noField = await weft(['explain', 'listener.nosuch'], { cwd: fresh() });
    expect(noField.code).toBe(1);
  });
});

describe('weft start says where it serves', () => {
  it('logs each listener\'s URL once it is bound', async () => {
    const cwd = fresh();
    const port = await freePort();
    const spec = `kind: listener\nname: http\nprotocol: http\nport: ${port}\nlinks:\n  out:\n    - name: pong\n      port: in\n---\nkind: snippet\nname: pong\nlanguage: text\ncode: pong\n`;
    writeFileSync(join(cwd, 'ping.yaml'), spec);
    const child = spawnWeft(['start', '-f', 'ping.yaml', '--store', 'memory://'], { cwd });
    try {
      const line = await eventually(async () => child.output().split('\n').find((text) => text.includes('"msg":"listening"')), 15_000, 'the listening line');
      expect(JSON.parse(line)).toMatchObject({ node: 'http', url: `http://127.0.0.1:${port}` });
    } finally {
      await stopWeft(child);
    }
  }, 30_000);
});

describe('weft config', () => {
  it('prints each key with its value and source (default < file < env < flag), with the store password and a JWT secret hidden', async () => {
    const cwd = fresh();
    writeFileSync(join(cwd, 'weft.config.yaml'), 'logLevel: warn\ndrainTimeoutMs: 2000\nauth:\n  jwt:\n    secret: a-jwt-secret-that-must-never-be-printed-0123\n');
    const run = await weft(['config', '-o', 'json', '--store', 'postgres://weft:hunter2@db.example/weft'], { cwd, env: { WEFT_DRAIN_TIMEOUT_MS: '500' } });
    expect(run.code, run.stderr).toBe(0);
    const entries = Object.fromEntries((JSON.parse(run.stdout) as { key: string; value: unknown; source: string }[]).map((entry) => [entry.key, entry]));
    expect(entries.logLevel).toMatchObject({ value: 'warn', source: 'file' });
    expect(entries.drainTimeoutMs).toMatchObject({ value: 500, source: 'env WEFT_DRAIN_TIMEOUT_MS' });
    expect(entries.store).toMatchObject({ value: 'postgres://weft:***@db.example/weft', source: 'flag' });
    expect(entries.namespace).toMatchObject({ value: 'default', source: 'default' });
    expect(entries.ops).toMatchObject({ source: 'unset' });
    expect(run.stdout).not.toContain('hunter2');
    expect(run.stdout).not.toContain('never-be-printed');
    const invalid = await weft(['config'], { cwd, env: { WEFT_LOG_LEVEL: 'loud' } });
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toContain('ERR_CONFIG_INVALID');
  });
});
