// Graceful shutdown of a real `weft start` child process: SIGTERM lets slow requests in flight
// finish (answered 200) while new ones are refused, then exits 0; a second signal exits at once.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventually, freePort, spawnWeft, tempDir } from '../harness/cli.ts';

/** listener → sleep (DURATION) → text "done". */
function slowSpecs(port: number, duration: string): string {
  return [
    `- kind: listener\n  name: http\n  protocol: http\n  host: 127.0.0.1\n  port: ${port}\n  links:\n    out:\n      - name: wait\n        port: in`,
    `- kind: sleep\n  name: wait\n  duration: ${duration}\n  links:\n    out:\n      - name: done\n        port: in`,
    '- kind: snippet\n  name: done\n  language: text\n  code: done',
  ].join('\n');
}

describe('weft start shutdown (child process)', () => {
  let dir: ReturnType<typeof tempDir>;
  let port: number;
  let engine: ReturnType<typeof spawnWeft> | undefined;

  beforeEach(async () => {
    dir = tempDir();
    port = await freePort();
  });

  afterEach(async () => {
    if (engine && engine.exitCode === null && engine.signalCode === null) {
      engine.kill('SIGKILL');
      await new Promise((resolve) => engine!.once('exit', resolve));
    }
    engine = undefined;
    dir.remove();
  });

  const exited = (): Promise<number | null> => new Promise((resolve) => {
    if (engine!.exitCode !== null) resolve(engine!.exitCode);
    else engine!.once('exit', (code) => resolve(code));
  });

  async function startSlow(duration: string, drainMs: number): Promise<void> {
    writeFileSync(join(dir.path, 'slow.yaml'), slowSpecs(port, duration));
    engine = spawnWeft(['start', '-f', 'slow.yaml'], {
      cwd: dir.path, env: { WEFT_STORE: `sqlite://${join(dir.path, 'weft.db')}`, WEFT_LOG_LEVEL: 'info', WEFT_DRAIN_TIMEOUT_MS: String(drainMs) },
    });
    await eventually(async () => (engine!.output().includes('weft is running') ? true : undefined), 15_000, 'the engine to start');
  }

  it('SIGTERM: in-flight slow requests finish with 200, new requests are refused, exit code 0', async () => {
    await startSlow('800ms', 10_000);
    const started = Date.now();
    const slow = [0, 1, 2].map(() => fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(10_000) }).then(async (response) => [response.status, await response.text()]));
    // Let the requests reach the sleep node before the signal.
    await new Promise((resolve) => setTimeout(resolve, 300));
    engine!.kill('SIGTERM');
    await eventually(async () => (engine!.output().includes('shutting down') ? true : undefined), 5000, 'the shutdown log');
    // A new request while draining: refused with 503 (or the socket is already closed), never run.
    const late = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(5000) }).then((response) => response.status, () => 'refused');
    expect([503, 'refused']).toContain(late);
    expect(await Promise.all(slow)).toEqual([[200, 'done'], [200, 'done'], [200, 'done']]);
    expect(await exited(), engine!.output()).toBe(0);
    expect(Date.now() - started).toBeLessThan(8000);
    expect(engine!.output()).toContain('runtime closed');
  });

  it('a second signal exits at once with 128 + the signal number, without waiting for the drain', async () => {
    await startSlow('30s', 60_000);
    const slow = fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(20_000) }).then((response) => response.status, () => 'dropped');
    await new Promise((resolve) => setTimeout(resolve, 300));
    engine!.kill('SIGTERM');
    await eventually(async () => (engine!.output().includes('shutting down') ? true : undefined), 5000, 'the shutdown log');
    const second = Date.now();
    engine!.kill('SIGTERM');
    expect(await exited(), engine!.output()).toBe(143);
    expect(Date.now() - second).toBeLessThan(3000);
    expect(engine!.output()).toContain('second signal');
    expect(await slow).toBe('dropped');
  });
});
