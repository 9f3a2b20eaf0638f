import { truncateSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir, weft, type CliRun } from '../harness/cli.ts';
import { refusalOf } from '../harness/refusal.ts';

/** A spec whose env holds nine anchors, each a list of nine aliases of the one before: 9^9 "lol"s expanded. */
function billionLaughs(): string {
  const names = 'abcdefghi';
  let env = `  a: &a [${Array(9).fill('"lol"').join(',')}]\n`;
  for (let level = 1; level < names.length; level++) env += `  ${names[level]}: &${names[level]} [${Array(9).fill(`*${names[level - 1]}`).join(',')}]\n`;
  return `kind: nop\nname: bomb\nenv:\n${env}`;
}

function blockNesting(levels: number): string {
  let text = 'kind: nop\nname: deep\nenv:\n';
  for (let level = 1; level <= levels; level++) text += `${' '.repeat(level)}a:\n`;
  return `${text}${' '.repeat(levels + 1)}b: 1\n`;
}

/** An endless stream of valid YAML list items, 64 KiB per chunk. */
function endless(): Readable {
  const chunk = Buffer.from('- {kind: nop, name: n}\n'.repeat(2900));
  return new Readable({ read() { this.push(chunk); } });
}

/** Each bomb and the code it must be refused with. `file` is written into the test folder; `stream` is only for stdin. */
const BOMBS: { name: string; code: string; text?: () => string; sparseBytes?: number }[] = [
  { name: 'an alias bomb (billion laughs)', code: 'ERR_FILE_PARSE', text: billionLaughs },
  { name: 'an undefined alias', code: 'ERR_FILE_PARSE', text: () => 'kind: nop\nname: u\nenv:\n  a: *nope\n' },
  { name: '10 000-deep flow nesting', code: 'ERR_FILE_PARSE', text: () => `kind: nop\nname: d\nenv:\n  x: ${'['.repeat(10_000)}${']'.repeat(10_000)}\n` },
  { name: '1000-deep block nesting', code: 'ERR_FILE_PARSE', text: () => blockNesting(1000) },
  { name: 'a 100 MB file', code: 'ERR_FILE_TOO_LARGE', sparseBytes: 100 * 1_048_576 },
];

/** Generous bounds: a refusal takes milliseconds; these only catch a hang or an explosion. */
const MAX_MS = 10_000;
const MAX_RSS_GROWTH = 512 * 1_048_576;

describe('YAML bombs are refused with a coded error in bounded time and memory', () => {
  let dir: ReturnType<typeof tempDir>;
  let env: Record<string, string>;
  beforeAll(() => {
    dir = tempDir();
    env = { WEFT_STORE: `sqlite://${join(dir.path, 'weft.db')}` };
  });
  afterAll(() => dir.remove());

  const measured = async (run: () => Promise<CliRun>): Promise<{ run: CliRun; ms: number; rss: number }> => {
    const rss = process.memoryUsage().rss;
    const started = Date.now();
    const result = await run();
    return { run: result, ms: Date.now() - started, rss: process.memoryUsage().rss - rss };
  };

  describe.each(BOMBS)('$name', (bomb) => {
    const file = (): string => {
      const path = join(dir.path, `${bomb.name.replace(/\W+/g, '-')}.yaml`);
      if (bomb.sparseBytes !== undefined) {
        writeFileSync(path, '');
        truncateSync(path, bomb.sparseBytes);
      } else writeFileSync(path, bomb.text!());
      return path;
    };

    it.each([['apply'], ['validate'], ['diff']])('weft %s -f FILE', async (command) => {
      const { run, ms, rss } = await measured(() => weft([command, '-f', file()], { env, cwd: dir.path }));
      expect(refusalOf(run).codes, run.stderr).toEqual([bomb.code]);
      expect(run.stderr).toMatch(bomb.code === 'ERR_FILE_PARSE' ? /at line \d+, column \d+/ : /too large/);
      expect(ms).toBeLessThan(MAX_MS);
      expect(rss).toBeLessThan(MAX_RSS_GROWTH);
    });

    it('weft apply -f - (stdin)', async () => {
      const stdin = bomb.sparseBytes !== undefined ? endless() : bomb.text!();
      const { run, ms, rss } = await measured(() => weft(['apply', '-f', '-'], { env, cwd: dir.path, stdin }));
      expect(refusalOf(run).codes, run.stderr).toEqual([bomb.code]);
      expect(ms).toBeLessThan(MAX_MS);
      expect(rss).toBeLessThan(MAX_RSS_GROWTH);
    });
  });

  it('refuses /dev/zero given as a file after reading no more than the limit', async () => {
    const { run, ms } = await measured(() => weft(['validate', '-f', '/dev/zero'], { env, cwd: dir.path }));
    expect(refusalOf(run).codes, run.stderr).toEqual(['ERR_FILE_TOO_LARGE']);
    expect(ms).toBeLessThan(MAX_MS);
  });

  it('wrote nothing', async () => {
    const listed = await weft(['get', '-o', 'json'], { env, cwd: dir.path });
    expect(JSON.parse(listed.stdout)).toEqual([]);
  });
});
