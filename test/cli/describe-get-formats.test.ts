// `weft describe` against a real engine (`weft start --ops`), and `weft get -o name|wide`.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, freePort, spawnWeft, stopWeft, tempDir, weft } from '../harness/cli.ts';

const PING = readFileSync(new URL('../../examples/ping.yaml', import.meta.url), 'utf8');

describe('weft describe and weft get -o name|wide', () => {
  let dir: ReturnType<typeof tempDir>;
  let engine: ReturnType<typeof spawnWeft> | undefined;
  let env: Record<string, string>;
  let app = '';
  let opsAddress = '';

  beforeAll(async () => {
    dir = tempDir();
    const [appPort, opsPort] = [await freePort(), await freePort()];
    writeFileSync(join(dir.path, 'ping.yaml'), PING.replace('port: 8000', `host: 127.0.0.1\n  port: ${appPort}`));
    writeFileSync(join(dir.path, 'lonely.yaml'), '- kind: snippet\n  name: lonely\n  language: cel\n  code: self\n  links:\n    out:\n      - name: nowhere\n        port: in\n');
    env = { WEFT_STORE: `sqlite://${join(dir.path, 'weft.db')}` };
    opsAddress = `127.0.0.1:${opsPort}`;
    engine = spawnWeft(['start', '-f', 'ping.yaml', '--ops', opsAddress, '--insecure'], { cwd: dir.path, env: { ...env, WEFT_LOG_LEVEL: 'warn' } });
    app = `http://127.0.0.1:${appPort}`;
    await eventually(async () => ((await fetch(`${app}/ping`, { signal: AbortSignal.timeout(2000) }).catch(() => undefined))?.status === 200 ? true : undefined), 30_000, `${app}/ping`);
  }, 45_000);

  afterAll(async () => {
    await stopWeft(engine);
    dir?.remove();
  });

  it('describes a node with its state and counters, found through the engine registry in the store', async () => {
    for (let i = 0; i < 4; i++) expect(await (await fetch(`${app}/ping`)).text()).toBe('pong');
    const run = await weft(['describe', 'pong'], { env, cwd: dir.path });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^Name:\s+pong$/m);
    expect(run.stdout).toMatch(/^Kind:\s+snippet$/m);
    expect(run.stdout).toMatch(/^State:\s+active$/m);
    // One request before these four was the readiness probe above.
    expect(run.stdout).toMatch(/^Packets:\s+in 5, out 0/m);
    expect(run.stdout).toMatch(/^Fields:\n {2}language: text\n {2}code: pong$/m);
  });

  it('names a link that does not resolve among the node\'s problems, and gives JSON with -o json', async () => {
    // Applied to the running engine, whose loader takes it up from the store's change feed.
    expect((await weft(['apply', '-f', 'lonely.yaml', '--allow-dangling'], { env, cwd: dir.path })).code).toBe(0);
    type Described = { spec: { name: string }; engine: { node?: { state: string; problems: string[] } } };
    const described = await eventually(async () => {
      const run = await weft(['describe', 'lonely', '--ops', opsAddress, '-o', 'json'], { env, cwd: dir.path });
      expect(run.code, run.stderr).toBe(0);
      const parsed = JSON.parse(run.stdout) as Described;
      return parsed.engine.node === undefined ? undefined : (parsed as Required<Described>);
    }, 10_000, 'the engine to load lonely');
    expect(described.spec.name).toBe('lonely');
    // Active (every loaded node is), with the link that does not resolve named among its problems.
    expect(described.engine.node!.problems.join(' ')).toContain('nowhere');
  });

  it('without a reachable engine, still describes the stored spec and says why there is no state', async () => {
    const closed = await freePort();
    const run = await weft(['describe', 'router', '--ops', `127.0.0.1:${closed}`], { env, cwd: dir.path });
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^State:\s+unknown: cannot reach the ops plane at 127\.0\.0\.1:\d+/m);
    expect(run.stdout).toContain('path: /ping');
  });

  it('refuses a spec that is not stored with ERR_SPEC_NOT_FOUND', async () => {
    const run = await weft(['describe', 'nosuch'], { env, cwd: dir.path });
    expect(run.code).toBe(1);
    expect(run.stderr).toContain('ERR_SPEC_NOT_FOUND');
  });

  it('get -o name prints KIND/NAME lines, -o wide adds each spec\'s fields', async () => {
    const names = await weft(['get', '-o', 'name'], { env, cwd: dir.path });
    expect(names.stdout.trim().split('\n').sort()).toEqual(['listener/listener', 'router/router', 'snippet/lonely', 'snippet/pong'].filter((line) => line !== 'snippet/lonely' || names.stdout.includes('lonely')));
    expect(names.stdout).toContain('snippet/pong\n');
    const wide = await weft(['get', '-o', 'wide'], { env, cwd: dir.path });
    expect(wide.stdout.split('\n')[0]).toMatch(/^ID\s+KIND\s+NAMESPACE\s+NAME\s+REVISION\s+LINKS\s+FIELDS$/);
    expect(wide.stdout).toMatch(/pong .*language=text code=pong/);
    expect(wide.stdout).toMatch(/listener .*protocol=http host=127\.0\.0\.1 port=\d+/);
  });
});
