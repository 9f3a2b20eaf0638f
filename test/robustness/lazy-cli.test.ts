import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { runWeft, tempDir } from '../harness/cli.ts';

const RECORDER = new URL('../fixtures/record-packages.ts', import.meta.url).pathname;
// What the engine and the kinds need, never `weft --version` or `weft --help`.
const HEAVY = ['fastify', 'isolated-vm', '@marcbachmann/cel-js', 'pg', 'mysql2', 'ioredis', 'mongodb', 'imapflow', 'yaml'];

describe('the CLI loads a command\'s code only when the command runs', () => {
  let dir = tempDir();
  afterEach(() => {
    dir.remove();
    dir = tempDir();
  });
  afterAll(() => dir.remove());

  async function packagesOf(args: readonly string[]): Promise<{ packages: string[]; stdout: string }> {
    const file = join(dir.path, `packages-${args.join('_')}.json`);
    const run = await runWeft(args, { cwd: dir.path, env: { NODE_OPTIONS: `--import ${RECORDER}`, WEFT_TEST_PACKAGES_FILE: file } });
    expect(run.code, run.stderr).toBe(0);
    return { packages: JSON.parse(readFileSync(file, 'utf8')) as string[], stdout: run.stdout };
  }

  it('weft --version and weft --help load commander and none of the engine\'s libraries', async () => {
    const version = await packagesOf(['--version']);
    expect(version.stdout).toMatch(/^\d+\.\d+\.\d+/);
    expect(version.packages).toContain('commander');
    expect(version.packages.filter((name) => HEAVY.includes(name))).toEqual([]);
    const help = await packagesOf(['--help']);
    expect(help.stdout).toContain('Usage: weft');
    expect(help.packages.filter((name) => HEAVY.includes(name))).toEqual([]);
  }, 30_000);

  it('weft get --help loads none of them either, and weft kinds loads the kinds\' code', async () => {
    const help = await packagesOf(['get', '--help']);
    expect(help.stdout).toContain('Usage: weft get');
    expect(help.packages.filter((name) => HEAVY.includes(name))).toEqual([]);
    // The recorder sees a command's action module arrive: `kinds` needs every kind.
    const kinds = await packagesOf(['kinds']);
    expect(kinds.stdout).toContain('listener');
    expect(kinds.packages).toContain('fastify');
  }, 30_000);
});
