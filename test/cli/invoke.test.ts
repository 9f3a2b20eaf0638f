import { createServer, type Server } from 'node:net';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir, weft } from '../harness/cli.ts';

describe('weft invoke', () => {
  const dir = tempDir();
  const env = { WEFT_STORE: `sqlite://${join(dir.path, 'weft.db')}` };
  let busy: Server;
  const run = (args: string[], stdin?: string) => weft(['invoke', ...args], { env, cwd: dir.path, stdin });

  beforeAll(async () => {
    // The listener's port is taken: were the listener loaded, it would fail to activate and log it.
    busy = createServer();
    await new Promise<void>((resolve) => busy.listen(0, '127.0.0.1', resolve));
    const port = (busy.address() as { port: number }).port;
    writeFileSync(join(dir.path, 'chain.yaml'), [
      `- {kind: listener, name: http, protocol: http, host: 127.0.0.1, port: ${port}, links: {out: [{name: add, port: in}]}}`,
      '- {kind: snippet, name: add, language: cel, code: "self + 1", links: {out: [{name: double, port: in}]}}',
      '- {kind: snippet, name: double, language: cel, code: "self * 2"}',
      '- {kind: snippet, name: wrap, language: cel, code: "{\\"got\\": self}"}',
      '- {kind: throw, name: fail, category: not found, message: no such thing}',
      '- {kind: snippet, name: other-ns, namespace: other, language: text, code: elsewhere}',
    ].join('\n'));
    expect((await weft(['apply', '-f', 'chain.yaml'], { env, cwd: dir.path })).code).toBe(0);
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => busy.close(() => resolve()));
    dir.remove();
  });

  it('prints the reply of a stored snippet chain and exits 0, without starting the listener', async () => {
    const result = await run(['add', '--data', '20']);
    expect(result).toMatchObject({ code: 0, stdout: '42\n', stderr: '' });
  });

  it('reads --data from a file or standard input, null without it, and honours -n', async () => {
    writeFileSync(join(dir.path, 'data.json'), '{"a": [1, 2]}');
    expect(JSON.parse((await run(['wrap', '--data', '@data.json'])).stdout)).toEqual({ got: { a: [1, 2] } });
    expect(JSON.parse((await run(['wrap', '--data', '@-'], '"piped"')).stdout)).toEqual({ got: 'piped' });
    expect(JSON.parse((await run(['wrap'])).stdout)).toEqual({ got: null });
    expect((await run(['other-ns', '-n', 'other'])).stdout).toBe('"elsewhere"\n');
  });

  it('prints an error reply as error CODE: message and exits 1', async () => {
    const result = await run(['fail', '--data', 'null']);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe('error ERR_THROWN_NOT_FOUND: no such thing\n');
    expect(result.stdout).toBe('');
  });

  it('exits 2 with a coded error for an unknown node, a source, or --data that is not JSON', async () => {
    const unknown = await run(['nobody']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/^error ERR_SPEC_NOT_FOUND: spec default\/nobody not found/);
    const source = await run(['http']);
    expect(source.code).toBe(2);
    expect(source.stderr).toMatch(/^error ERR_PORT_UNKNOWN/);
    const bad = await run(['add', '--data', '{oops']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^error ERR_INVOKE_DATA/);
  });
});
