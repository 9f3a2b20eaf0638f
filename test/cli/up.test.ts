import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { eventually, freePort, spawnWeft, stopWeft, tempDir, weft } from '../harness/cli.ts';
import { alive, ps, slotWhen, writeConfig, writePing } from '../harness/supervisor.ts';

/** Engines start slowly on a loaded machine: the waits for a first start are generous, the restart is timed. */
const START_MS = 60_000;

async function ping(port: number): Promise<string | undefined> {
  const response = await request(`http://127.0.0.1:${port}/ping`, { headersTimeout: 2000, bodyTimeout: 2000 });
  const body = await response.body.text();
  return response.statusCode === 200 ? body : undefined;
}

describe('weft up supervises engines (real child processes)', () => {
  let dir: ReturnType<typeof tempDir>;
  let up: ReturnType<typeof spawnWeft>;
  let port: number;

  beforeAll(async () => {
    dir = tempDir();
    port = await freePort();
    writePing(dir.path, 'ping.yaml', port);
    writeConfig(dir.path, { store: 'sqlite://weft.db', insecure: true, namespaces: { web: { sandbox: 'in-process', args: ['-f', 'ping.yaml'] } } });
    up = spawnWeft(['up'], { cwd: dir.path });
    await slotWhen(dir.path, 'web', (slot) => slot.ready, START_MS, 'web ready');
    await eventually(() => ping(port), START_MS, 'the listener of web');
  }, START_MS * 2 + 10_000);

  afterAll(async () => {
    await stopWeft(up, 30_000);
    dir.remove();
  }, 40_000);

  it('kill -9 of an engine: a new one is started within 2 s and its listener serves again', async () => {
    // Once the engine serves, weft up loads a warm standby beside it: the restart takes that over.
    const before = await slotWhen(dir.path, 'web', (slot) => slot.ready && slot.standbyPid !== null, START_MS, 'web ready with a standby');
    const killedAt = Date.now();
    process.kill(before.pid!, 'SIGKILL');
    const restarted = await slotWhen(dir.path, 'web', (slot) => slot.pid !== null && slot.pid !== before.pid, 2000, 'a new web engine');
    const respawnMs = Date.now() - killedAt;
    expect(restarted.restarts).toBe(before.restarts + 1);
    expect(restarted.pid).toBe(before.standbyPid);
    expect(restarted.lastExit).toMatchObject({ signal: 'SIGKILL' });
    expect(await eventually(() => ping(port), START_MS, 'the listener of web again')).toBe('pong');
    const servesMs = Date.now() - killedAt;
    console.log(`kill -9 → new engine spawned after ${respawnMs} ms, its listener answered after ${servesMs} ms`);
    // The replacement registers under the same engine id: ps shows one web engine, running.
    const rows = await eventually(async () => {
      const listed = await ps(dir.path);
      const web = listed.filter((row) => row.namespace === 'web');
      return web.length === 1 && web[0]!.ready ? listed : undefined;
    }, START_MS, 'ps with one ready web engine');
    expect(rows.find((row) => row.namespace === 'web')).toMatchObject({ pid: restarted.pid, state: 'running', restarts: 1, source: 'weft up', ready: true, store: 'sqlite://weft.db' });
  }, START_MS * 2);

  it('weft ps shows an engine started with plain `weft start` on the same store, until it stops', async () => {
    const other = spawnWeft(['start', '-n', 'elsewhere', '--store', 'sqlite://weft.db', '--insecure', '--sandbox', 'in-process'], { cwd: dir.path });
    try {
      const row = await eventually(async () => (await ps(dir.path)).find((entry) => entry.namespace === 'elsewhere' && entry.ready), START_MS, 'the plain engine in ps');
      expect(row).toMatchObject({ state: 'external', pid: other.pid, source: 'registry', replica: null, restarts: null });
      const table = await weft(['ps'], { cwd: dir.path });
      expect(table.stdout).toMatch(/NAMESPACE\s+PID\s+HOST\s+STATE\s+RESTARTS\s+UPTIME\s+READY/);
      expect(table.stdout).toMatch(new RegExp(`elsewhere\\s+${other.pid}\\s+\\S+\\s+external`));
      expect(table.stdout).toMatch(/web\s+\d+\s+\S+\s+running/);
    } finally {
      await stopWeft(other, 20_000);
    }
    // A clean shutdown removes its record from the registry.
    expect(other.exitCode).toBe(0);
    expect((await ps(dir.path)).some((entry) => entry.namespace === 'elsewhere')).toBe(false);
    expect(alive(other.pid!)).toBe(false);
  }, START_MS * 2);

  it('weft logs prints the engines\' output prefixed with the namespace, with the supervisor\'s events', async () => {
    const logs = await weft(['logs', 'web'], { cwd: dir.path });
    expect(logs.code, logs.stderr).toBe(0);
    const lines = logs.stdout.trimEnd().split('\n');
    expect(lines.every((line) => line.startsWith('web | '))).toBe(true);
    expect(logs.stdout).toContain('weft is running');
    expect(logs.stdout).toContain('"msg":"engine exited; restarting"');
    const tail = await weft(['logs', '--tail', '2'], { cwd: dir.path });
    expect(tail.stdout.trimEnd().split('\n')).toHaveLength(2);
    expect((await weft(['logs', 'nosuch'], { cwd: dir.path })).stderr).toContain('no engine logs');
  });

  it('weft logs -f follows: lines an engine writes later appear, until SIGTERM ends it with 0', async () => {
    const follow = spawnWeft(['logs', 'web', '-f', '--tail', '0'], { cwd: dir.path });
    try {
      // A restart makes the engine and the supervisor write new lines.
      await new Promise((resolve) => setTimeout(resolve, 1000));
      expect(await weft(['up', '--restart', 'web'], { cwd: dir.path })).toMatchObject({ code: 0 });
      const seen = await eventually(async () => (/web \| .*engine stopped for a restart/.test(follow.output()) ? follow.output() : undefined), START_MS, 'the restart in the followed log');
      expect(seen.split('\n').filter((line) => line !== '').every((line) => line.startsWith('web | '))).toBe(true);
    } finally {
      const exited = new Promise<number | null>((resolve) => follow.once('exit', (code) => resolve(code)));
      follow.kill('SIGTERM');
      expect(await Promise.race([exited, new Promise((resolve) => setTimeout(() => resolve('late'), 10_000))])).toBe(0);
    }
    await slotWhen(dir.path, 'web', (slot) => slot.ready, START_MS, 'web ready after the restart');
  }, START_MS * 2);
});
