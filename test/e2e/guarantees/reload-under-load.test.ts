import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually, spawnWeft, tempDir, weft } from '../../harness/cli.ts';
import { startLoad } from './load.ts';
import { freePort, pingYaml, versionYaml } from './ping-versions.ts';
import { storeTargets } from './targets.ts';

const UPDATES = 100;

describe.each(await storeTargets())('reload under load ($name)', (target) => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  it(`serves every request while ${UPDATES} updates are applied through the CLI, each reply from the old or the new version`, async () => {
    const store = await target.open();
    cleanups.push(store.remove);
    const dir = tempDir();
    cleanups.push(async () => dir.remove());
    const port = await freePort();
    writeFileSync(join(dir.path, 'ping.yaml'), pingYaml(port));
    const engine = spawnWeft(['start', '-f', 'ping.yaml', '--store', store.url], { cwd: dir.path, env: { WEFT_LOG_LEVEL: 'warn' } });
    cleanups.push(async () => {
      if (engine.exitCode !== null) return;
      engine.kill('SIGKILL');
      await new Promise((resolve) => engine.once('exit', resolve));
    });
    const url = `http://127.0.0.1:${port}/ping`;
    await eventually(async () => ((await fetch(url, { signal: AbortSignal.timeout(1000) })).ok ? true : undefined), 15_000, 'the engine to serve');

    const load = startLoad(url, { connections: 4 });
    for (let i = 1; i <= UPDATES; i++) {
      const applied = await weft(['apply', '-f', '-', '--store', store.url], { cwd: dir.path, stdin: versionYaml(i, port) });
      expect(applied.code, applied.stderr).toBe(0);
      // Let some requests reach each version before the next one lands.
      await new Promise((resolve) => setTimeout(resolve, 15));
    }
    await eventually(async () => ((await (await fetch(url, { signal: AbortSignal.timeout(1000) })).text()) === `v${UPDATES}` ? true : undefined), 5000, 'the last version');
    const report = await load.stop();

    expect(report.failures, engine.output().slice(-2000)).toEqual([]);
    expect(report.strangers).toEqual([]);
    expect(report.regressions).toBe(0);
    expect(report.highest).toBe(UPDATES);
    expect(report.requests).toBeGreaterThan(UPDATES);
    expect(engine.exitCode, engine.output().slice(-2000)).toBeNull();
  }, 180_000);
});
