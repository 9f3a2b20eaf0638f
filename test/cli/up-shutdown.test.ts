import { existsSync } from 'node:fs';
import { request } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually, freePort, spawnWeft, stopWeft, tempDir, weft } from '../harness/cli.ts';
import { alive, ps, slots, socketOf, writeConfig, writePing } from '../harness/supervisor.ts';

describe('weft up: shutdown', () => {
  let dir: ReturnType<typeof tempDir> | undefined;
  let up: ReturnType<typeof spawnWeft> | undefined;

  afterEach(async () => {
    await stopWeft(up, 30_000);
    dir?.remove();
  }, 40_000);

  it('SIGTERM to weft up drains every engine (a request in flight is answered), stops them all and exits 0', async () => {
    dir = tempDir();
    const [a, b] = [await freePort(), await freePort()];
    writePing(dir.path, 'a.yaml', a, 2000);
    writePing(dir.path, 'b.yaml', b, 2000);
    writeConfig(dir.path, {
      store: 'sqlite://weft.db', insecure: true,
      namespaces: { a: { sandbox: 'in-process', args: ['-f', 'a.yaml'] }, b: { sandbox: 'in-process', args: ['-f', 'b.yaml'], replicas: 1 } },
    });
    up = spawnWeft(['up'], { cwd: dir.path });
    const engines = await eventually(async () => {
      const current = await slots(dir!.path);
      return current !== undefined && current.length === 2 && current.every((slot) => slot.ready) ? current : undefined;
    }, 90_000, 'both engines ready');
    expect((await ps(dir.path)).filter((row) => row.ready)).toHaveLength(2);
    // A slow request in flight when the signal comes: the drain lets it finish.
    const slow = request(`http://127.0.0.1:${a}/slow`, { headersTimeout: 30_000 }).then(async (response) => ({ status: response.statusCode, body: await response.body.text() }));
    await new Promise((resolve) => setTimeout(resolve, 500));
    const exited = new Promise<number | null>((resolve) => up!.once('exit', (code) => resolve(code)));
    up.kill('SIGTERM');
    expect(await slow).toEqual({ status: 200, body: 'pong' });
    expect(await Promise.race([exited, new Promise((resolve) => setTimeout(() => resolve('late'), 30_000))])).toBe(0);
    for (const engine of engines) expect(alive(engine.pid!)).toBe(false);
    const output = up.output();
    expect(output.match(/shutting down: draining in-flight work/g)).toHaveLength(2);
    expect(output).toContain('every engine stopped');
    expect(output).not.toContain('killing it');
    // Clean shutdowns leave neither control socket nor registry records behind.
    expect(existsSync(socketOf(dir.path))).toBe(false);
    expect(await ps(dir.path)).toEqual([]);
    expect((await weft(['ps'], { cwd: dir.path })).stdout.trim().split('\n')).toHaveLength(1);
  }, 150_000);

  it('kill -9 of weft up: its engines shut down by themselves, and the next weft up takes the run directory over', async () => {
    dir = tempDir();
    writeConfig(dir.path, { store: 'sqlite://weft.db', insecure: true, namespaces: { idle: { sandbox: 'in-process' } } });
    up = spawnWeft(['up'], { cwd: dir.path });
    const engine = await eventually(async () => (await slots(dir!.path))?.find((slot) => slot.ready), 90_000, 'idle ready');
    up.kill('SIGKILL');
    // The engine sees its IPC channel close and drains like on SIGTERM: no orphan, no registry record left.
    await eventually(async () => (alive(engine.pid!) ? undefined : true), 30_000, 'the orphaned engine to exit');
    expect(await ps(dir.path)).toEqual([]);
    expect(existsSync(socketOf(dir.path))).toBe(true);
    up = spawnWeft(['up'], { cwd: dir.path });
    const next = await eventually(async () => (await slots(dir!.path))?.find((slot) => slot.ready), 90_000, 'idle ready under the new weft up');
    expect(next.pid).not.toBe(engine.pid);
  }, 200_000);

  it('a second weft up on the same run directory is refused while the first runs', async () => {
    dir = tempDir();
    writeConfig(dir.path, { store: 'sqlite://weft.db', insecure: true, namespaces: { idle: { sandbox: 'in-process' } } });
    up = spawnWeft(['up'], { cwd: dir.path });
    await eventually(async () => (await slots(dir!.path))?.[0]?.ready || undefined, 90_000, 'idle ready');
    const second = await weft(['up'], { cwd: dir.path });
    expect(second.code).toBe(1);
    expect(second.stderr).toContain('ERR_SUPERVISOR_RUNNING');
    // The refused one left the first one's control socket alone.
    expect((await slots(dir.path))?.[0]).toMatchObject({ namespace: 'idle', ready: true });
  }, 120_000);
});
