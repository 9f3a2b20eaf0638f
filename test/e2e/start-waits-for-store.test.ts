import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventually, freePort, spawnWeft, tempDir } from '../harness/cli.ts';
import { pingYaml } from './guarantees/ping-versions.ts';

/** The pino lines of an engine's output that say it waits for its store. */
function waits(output: string): { code: string; reason: string; attempt: number; retryInMs: number }[] {
  return output.split('\n').flatMap((line) => {
    if (!line.includes('"waiting for the store"')) return [];
    return [JSON.parse(line) as { code: string; reason: string; attempt: number; retryInMs: number }];
  });
}

/** User plus system CPU time of a process, in clock ticks (Linux /proc). */
function cpuTicks(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return Number(fields[11]) + Number(fields[12]);
}

describe('weft start waits for a store that is not there yet', () => {
  let dir: ReturnType<typeof tempDir>;
  let engine: ReturnType<typeof spawnWeft> | undefined;
  const exited = (): Promise<number | null> => new Promise((resolve) => (engine!.exitCode !== null ? resolve(engine!.exitCode) : engine!.once('exit', resolve)));

  beforeEach(() => (dir = tempDir()));
  afterEach(async () => {
    if (engine !== undefined && engine.exitCode === null) {
      engine.kill('SIGKILL');
      await exited();
    }
    engine = undefined;
    dir.remove();
  });

  it('retries with growing delays, one log line per attempt with the reason, then serves once the store can be opened', async () => {
    const port = await freePort();
    writeFileSync(join(dir.path, 'ping.yaml'), pingYaml(port));
    // A file where the store's folder must go: the store cannot be opened until it is removed.
    writeFileSync(join(dir.path, 'blocker'), 'not a folder');
    engine = spawnWeft(['start', '-f', 'ping.yaml', '--store', `sqlite://${join(dir.path, 'blocker', 'weft.db')}`], { cwd: dir.path, env: { WEFT_LOG_LEVEL: 'info' } });
    await eventually(async () => (waits(engine!.output()).length >= 3 ? true : undefined), 15_000, 'three attempts');
    const seen = waits(engine.output());
    expect(seen[0]).toMatchObject({ code: 'ERR_STORE_UNAVAILABLE', attempt: 1, reason: expect.stringContaining('blocker') });
    expect(seen.map((line) => line.retryInMs)).toEqual([...seen.map((line) => line.retryInMs)].sort((a, b) => a - b));
    expect(seen[2]!.retryInMs).toBeGreaterThan(seen[0]!.retryInMs);

    rmSync(join(dir.path, 'blocker'));
    const pong = await eventually(async () => {
      const response = await fetch(`http://127.0.0.1:${port}/ping`, { signal: AbortSignal.timeout(1000) });
      return response.ok ? await response.text() : undefined;
    }, 20_000, 'the engine to serve once the store opens');
    expect(pong).toBe('pong');
    engine.kill('SIGINT');
    expect(await exited()).toBe(0);
  }, 60_000);

  it('does not busy-loop while waiting, and exits 0 on SIGINT while waiting', async () => {
    const port = await freePort();
    engine = spawnWeft(['start', '--store', `postgres://weft@127.0.0.1:${port}/weft`], { cwd: dir.path, env: { WEFT_LOG_LEVEL: 'info' } });
    await eventually(async () => (waits(engine!.output()).length >= 2 ? true : undefined), 15_000, 'two attempts');
    const ticks = cpuTicks(engine.pid!);
    await new Promise((resolve) => setTimeout(resolve, 2000));
    // Clock ticks are 1/100 s: a busy loop would burn about 200 in two seconds.
    expect(cpuTicks(engine.pid!) - ticks).toBeLessThan(50);
    expect(waits(engine.output()).length).toBeLessThan(10);
    const stopped = Date.now();
    engine.kill('SIGINT');
    expect(await exited(), engine.output().slice(-2000)).toBe(0);
    expect(Date.now() - stopped).toBeLessThan(5000);
  }, 60_000);

  it('gives up at once on a store URL that can never work', async () => {
    engine = spawnWeft(['start', '--store', 'redis://127.0.0.1:6379'], { cwd: dir.path });
    const started = Date.now();
    expect(await exited()).toBe(1);
    expect(engine.output()).toContain('ERR_STORE_URL_INVALID');
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});
