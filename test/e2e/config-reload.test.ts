import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually, freePort, spawnWeft, stopWeft, tempDir, weft } from '../harness/cli.ts';

describe('weft start reloads the live settings of weft.config.yaml', () => {
  let dir: ReturnType<typeof tempDir> | undefined;
  let engine: ReturnType<typeof spawnWeft> | undefined;
  afterEach(async () => {
    await stopWeft(engine);
    dir?.remove();
  });

  it('applies logLevel and backlogLimit when the file changes, defers other keys to a restart, and keeps the running settings for an invalid file', async () => {
    dir = tempDir();
    const [app, ops] = [await freePort(), await freePort()];
    const file = join(dir.path, 'weft.config.yaml');
    writeFileSync(file, `logLevel: info\nbacklogLimit: 5\nops: 127.0.0.1:${ops}\ninsecure: true\n`);
    writeFileSync(join(dir.path, 'ping.yaml'), `kind: listener\nname: http\nprotocol: http\nport: ${app}\nlinks:\n  out:\n    - name: pong\n      port: in\n---\nkind: snippet\nname: pong\nlanguage: text\ncode: pong\n`);
    const store = `sqlite://${join(dir.path, 'weft.db')}`;
    engine = spawnWeft(['start', '-f', 'ping.yaml', '--store', store], { cwd: dir.path });
    const limit = async (): Promise<number | undefined> => {
      try {
        const response = await fetch(`http://127.0.0.1:${ops}/v1/namespaces/default/status`, { signal: AbortSignal.timeout(2000) });
        return response.status === 200 ? ((await response.json()) as { backlog: { limit: number } }).backlog.limit : undefined;
      } catch {
        return undefined;
      }
    };
    expect(await eventually(limit, 15_000, 'the ops plane to answer')).toBe(5);
    expect(engine.output()).not.toContain('"level":20');

    writeFileSync(file, `logLevel: debug\nbacklogLimit: 7\nops: 127.0.0.1:${ops}\ninsecure: true\ndrainTimeoutMs: 1234\n`);
    await eventually(async () => ((await limit()) === 7 ? true : undefined), 5000, 'the new backlog limit');
    await eventually(async () => (engine!.output().includes('configuration reloaded') ? true : undefined), 5000, 'the reload line');
    const lines = engine.output().split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as { level: number; msg: string; keys?: string[]; applied?: unknown });
    expect(lines.find((line) => line.msg === 'configuration reloaded')?.applied).toEqual({ logLevel: 'debug', backlogLimit: 7 });
    expect(lines.find((line) => line.msg === 'configuration changed: these keys take effect at the next start')?.keys).toEqual(['drainTimeoutMs']);
    // The logger runs at debug now: a spec applied meanwhile is logged as loaded at debug (level 20).
    expect((await weft(['apply', '-f', '-', '--store', store], { cwd: dir.path, stdin: 'kind: nop\nname: later\n' })).code).toBe(0);
    await eventually(async () => (engine!.output().split('\n').some((line) => line.includes('"level":20') && line.includes('node loaded')) ? true : undefined), 5000, 'a debug line');

    writeFileSync(file, 'logLevel: loud\n');
    await eventually(async () => (engine!.output().includes('configuration file is invalid') ? true : undefined), 5000, 'the invalid-file line');
    expect(await limit()).toBe(7);
    expect(engine.output()).toContain('ERR_CONFIG_INVALID');
  }, 40_000);
});
