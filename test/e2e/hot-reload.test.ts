import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventually, freePort, runWeft, spawnWeft, tempDir } from '../harness/cli.ts';

const PING = readFileSync(new URL('../../examples/ping.yaml', import.meta.url), 'utf8');

describe('weft start, end to end (child processes, SQLite store)', () => {
  let dir: ReturnType<typeof tempDir>;
  let env: Record<string, string>;
  let port: number;
  let engine: ReturnType<typeof spawnWeft> | undefined;

  beforeEach(async () => {
    dir = tempDir();
    port = await freePort();
    env = { WEFT_STORE: `sqlite://${join(dir.path, 'weft.db')}`, WEFT_LOG_LEVEL: 'info' };
    writeFileSync(join(dir.path, 'ping.yaml'), PING.replace('port: 8000', `port: ${port}\n  host: 127.0.0.1`));
  });

  afterEach(async () => {
    if (engine && engine.exitCode === null) {
      engine.kill('SIGKILL');
      await new Promise((resolve) => engine!.once('exit', resolve));
    }
    dir.remove();
  });

  const ping = async (): Promise<string | undefined> => {
    const response = await fetch(`http://127.0.0.1:${port}/ping`, { signal: AbortSignal.timeout(1000) });
    return response.status === 200 ? await response.text() : undefined;
  };

  it('serves ping, hot-reloads a change applied by another process, and drops the route on delete', async () => {
    engine = spawnWeft(['start', '-f', 'ping.yaml'], { cwd: dir.path, env });
    expect(await eventually(ping, 10_000, 'the ping workflow to answer')).toBe('pong');

    writeFileSync(join(dir.path, 'pong2.yaml'), 'kind: snippet\nname: pong\nlanguage: text\ncode: pong v2\n');
    const applied = await runWeft(['apply', '-f', 'pong2.yaml'], { cwd: dir.path, env });
    expect(applied.code, applied.stderr).toBe(0);
    const appliedAt = Date.now();
    expect(await eventually(async () => ((await ping()) === 'pong v2' ? true : undefined), 1000, 'the new reply')).toBe(true);
    expect(Date.now() - appliedAt).toBeLessThan(1000);

    const deleted = await runWeft(['delete', 'listener', 'router', 'pong'], { cwd: dir.path, env });
    expect(deleted.code, deleted.stderr).toBe(0);
    await eventually(async () => {
      try {
        await ping();
        return undefined;
      } catch {
        return true;
      }
    }, 2000, 'the listener to close');

    engine.kill('SIGTERM');
    const code = await new Promise<number | null>((resolve) => engine!.once('exit', resolve));
    expect(code, engine.output()).toBe(0);
    expect(engine.output()).toContain('runtime closed');
  });

  it('keeps serving the old version when an update does not compile, and reports it', async () => {
    engine = spawnWeft(['start', '-f', 'ping.yaml'], { cwd: dir.path, env });
    expect(await eventually(ping, 10_000, 'the ping workflow to answer')).toBe('pong');
    // Code that cannot compile is refused by apply before anything is written…
    writeFileSync(join(dir.path, 'broken.yaml'), 'kind: snippet\nname: pong\nlanguage: json\ncode: "{not json"\n');
    const refused = await runWeft(['apply', '-f', 'broken.yaml'], { cwd: dir.path, env });
    expect(refused.code, refused.stderr).toBe(1);
    expect(refused.stderr).toContain('ERR_SNIPPET_COMPILE');
    // …but one that fails only when the engine loads it (its template names a value that does not exist) is stored: the engine must not drop pong.
    writeFileSync(join(dir.path, 'bad.yaml'), 'kind: snippet\nname: pong\nlanguage: text\ncode: "{{ values.nosuch }}"\n');
    const applied = await runWeft(['apply', '-f', 'bad.yaml'], { cwd: dir.path, env });
    expect(applied.code, applied.stderr).toBe(0);
    await eventually(async () => (engine!.output().includes('node failed to load') ? true : undefined), 2000, 'the failure log');
    expect(await ping()).toBe('pong');
  });

  it('keeps an engine with nothing to serve running until SIGTERM, then exits 0', async () => {
    engine = spawnWeft(['start', '--store', 'memory://'], { cwd: dir.path, env });
    await eventually(async () => (engine!.output().includes('weft is running') ? true : undefined), 10_000, 'the engine to start');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(engine.exitCode).toBeNull();
    engine.kill('SIGTERM');
    const code = await new Promise<number | null>((resolve) => engine!.once('exit', resolve));
    expect(code, engine.output()).toBe(0);
  });
});
