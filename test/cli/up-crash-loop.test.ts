import { afterEach, describe, expect, it } from 'vitest';
import { spawnWeft, stopWeft, tempDir, weft } from '../harness/cli.ts';
import { ps, slots, slotWhen, writeConfig } from '../harness/supervisor.ts';

describe('weft up: crash loops', () => {
  let dir: ReturnType<typeof tempDir> | undefined;
  let up: ReturnType<typeof spawnWeft> | undefined;

  afterEach(async () => {
    await stopWeft(up, 30_000);
    dir?.remove();
  }, 40_000);

  it('an engine that crashes at start 5 times in a row is crash-looping in weft ps and not restarted until weft up --restart', async () => {
    dir = tempDir();
    // An invalid log level: every start fails with ERR_CONFIG_INVALID before the engine is ready.
    writeConfig(dir.path, { store: 'sqlite://weft.db', namespaces: { broken: { args: ['--log-level', 'bogus'] } } });
    up = spawnWeft(['up'], { cwd: dir.path });
    const looping = await slotWhen(dir.path, 'broken', (slot) => slot.state === 'crash-looping', 90_000, 'broken crash-looping');
    expect(looping).toMatchObject({ restarts: 4, pid: null, ready: false, lastExit: { code: 1 } });
    const row = (await ps(dir.path)).find((entry) => entry.namespace === 'broken');
    expect(row).toMatchObject({ state: 'crash-looping', restarts: 4, pid: null, ready: false });
    expect((await weft(['ps'], { cwd: dir.path })).stdout).toMatch(/broken\s+-\s+\S+\s+crash-looping\s+4/);
    // Not restarted: well past the longest backoff the loop used (800 ms), nothing has moved.
    await new Promise((resolve) => setTimeout(resolve, 2500));
    expect((await slots(dir.path))?.[0]).toMatchObject({ state: 'crash-looping', restarts: 4, pid: null });
    const logs = await weft(['logs', 'broken'], { cwd: dir.path });
    expect(logs.stdout.match(/ERR_CONFIG_INVALID/g)).toHaveLength(5);
    expect(logs.stdout).toContain('crash-looping');

    const restart = await weft(['up', '--restart', 'broken'], { cwd: dir.path });
    expect(restart.code, restart.stderr).toBe(0);
    expect(restart.stdout).toMatch(/broken\s+0\s+starting\s+5/);
    // A fresh count: it crashes five more times before it is crash-looping again.
    const again = await slotWhen(dir.path, 'broken', (slot) => slot.state === 'crash-looping' && slot.restarts === 9, 90_000, 'broken crash-looping again');
    expect(again.pid).toBeNull();

    const unknown = await weft(['up', '--restart', 'nosuch'], { cwd: dir.path });
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('ERR_UP_NAMESPACE_UNKNOWN');
  }, 200_000);

  it('weft up refuses a config without namespaces, and --restart without a running weft up', async () => {
    dir = tempDir();
    writeConfig(dir.path, { store: 'sqlite://weft.db' });
    const none = await weft(['up'], { cwd: dir.path });
    expect(none.code).toBe(1);
    expect(none.stderr).toContain('ERR_UP_NO_NAMESPACES');
    const restart = await weft(['up', '--restart', 'web'], { cwd: dir.path });
    expect(restart.code).toBe(1);
    expect(restart.stderr).toContain('ERR_SUPERVISOR_UNREACHABLE');
  });
});
