import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tempDir, weft } from '../harness/cli.ts';

const key = (): string => randomBytes(32).toString('base64');

describe('weft values', () => {
  let dir: ReturnType<typeof tempDir>;
  let store: string;
  beforeEach(() => {
    dir = tempDir();
    store = `sqlite://${join(dir.path, 'weft.db')}`;
  });
  afterEach(() => dir.remove());

  it('set, get (-o json, one name), delete: a round trip in the store', async () => {
    expect(await weft(['values', 'set', 'greeting', 'hello', '--store', store])).toMatchObject({ code: 0, stdout: 'value/greeting set (revision 1)\n' });
    writeFileSync(join(dir.path, 'limits.json'), '{"max": 3}');
    expect((await weft(['values', 'set', 'limits', '--file', join(dir.path, 'limits.json'), '--json', '--store', store])).code).toBe(0);
    const listed = await weft(['values', 'get', '-o', 'json', '--store', store]);
    expect(JSON.parse(listed.stdout)).toMatchObject([{ name: 'greeting', data: 'hello', secret: false }, { name: 'limits', data: { max: 3 } }]);
    expect((await weft(['values', 'get', 'greeting', '--store', store])).stdout).toMatch(/greeting\s+no\s+1\s+hello/);
    expect(await weft(['values', 'delete', 'greeting', '--store', store])).toMatchObject({ code: 0, stdout: 'value/greeting deleted\n' });
    const missing = await weft(['values', 'get', 'greeting', '--store', store]);
    expect(missing.code).not.toBe(0);
    expect(missing.stderr).toContain('ERR_VALUE_NOT_FOUND');
  });

  it('a secret needs a key to be set, shows as <secret> in every format, and --reveal opens it with the key only', async () => {
    const refused = await weft(['values', 'set', 'token', 'hunter2', '--secret', '--store', store]);
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toContain('ERR_SECRET_KEY_MISSING');
    const env = { WEFT_SECRET_KEY: key() };
    expect(await weft(['values', 'set', 'token', 'hunter2', '--secret', '--store', store], { env })).toMatchObject({ code: 0, stdout: 'value/token set (revision 1, secret)\n' });
    for (const output of ['table', 'json', 'yaml']) {
      const shown = await weft(['values', 'get', '-o', output, '--store', store], { env });
      expect(shown.stdout).toContain('<secret>');
      expect(shown.stdout).not.toContain('hunter2');
    }
    expect(JSON.parse((await weft(['values', 'get', 'token', '--reveal', '-o', 'json', '--store', store], { env })).stdout)).toMatchObject([{ data: 'hunter2' }]);
    const wrong = await weft(['values', 'get', '--reveal', '--store', store], { env: { WEFT_SECRET_KEY: key() } });
    expect(wrong.stderr).toContain('ERR_SECRET_UNREADABLE');
    expect(wrong.stderr + wrong.stdout).not.toContain('hunter2');
    const bad = await weft(['values', 'get', '--reveal', '--store', store], { env: { WEFT_SECRET_KEY: 'short' } });
    expect(bad.stderr).toContain('ERR_SECRET_KEY_INVALID');
  });

  it('rotate-key re-wraps secrets under the new key; afterwards the old key is no longer needed', async () => {
    const oldKey = key();
    const newKey = key();
    const keyFile = join(dir.path, 'key');
    writeFileSync(keyFile, `${newKey}\n`);
    await weft(['values', 'set', 'token', 'hunter2', '--secret', '--store', store], { env: { WEFT_SECRET_KEY: oldKey } });
    expect(await weft(['values', 'rotate-key', '--store', store], { env: { WEFT_SECRET_KEY_FILE: keyFile, WEFT_SECRET_KEY_PREVIOUS: oldKey } })).toMatchObject({ code: 0, stdout: expect.stringMatching(/^1 secret re-wrapped/) });
    expect(JSON.parse((await weft(['values', 'get', '--reveal', '-o', 'json', '--store', store], { env: { WEFT_SECRET_KEY_FILE: keyFile } })).stdout)).toMatchObject([{ data: 'hunter2' }]);
    expect((await weft(['values', 'get', '--reveal', '--store', store], { env: { WEFT_SECRET_KEY: oldKey } })).stderr).toContain('ERR_SECRET_UNREADABLE');
  });

  it('weft get shows a spec that uses a secret with its template, never the secret (table, json, yaml)', async () => {
    const env = { WEFT_SECRET_KEY: key() };
    await weft(['values', 'set', 'token', 'hunter2-in-spec', '--secret', '--store', store], { env });
    const file = join(dir.path, 'spec.yaml');
    writeFileSync(file, 'kind: snippet\nname: greet\nlanguage: text\ncode: "Bearer {{ values.token }}"\n');
    expect((await weft(['apply', '-f', file, '--store', store], { env })).code).toBe(0);
    for (const output of ['table', 'json', 'yaml']) {
      const shown = await weft(['get', '-o', output, '--store', store], { env });
      expect(shown.code).toBe(0);
      expect(shown.stdout).toContain('greet');
      expect(shown.stdout).not.toContain('hunter2');
      if (output !== 'table') expect(shown.stdout).toContain('{{ values.token }}');
    }
  });
});
