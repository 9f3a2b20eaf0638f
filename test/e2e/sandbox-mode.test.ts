import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { eventually, freePort, spawnWeft, tempDir } from '../harness/cli.ts';

/** The pids of the child processes of `pid` (ps is on every Linux machine here). */
function childrenOf(pid: number): number[] {
  try {
    return execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' }).split('\n').map((line) => Number(line.trim())).filter((child) => child > 0);
  } catch {
    return [];
  }
}

describe.each([
  { sandbox: 'process', children: true },
  { sandbox: 'in-process', children: false },
])('weft start --sandbox $sandbox', ({ sandbox, children }) => {
  let dir: ReturnType<typeof tempDir>;
  let engine: ReturnType<typeof spawnWeft> | undefined;
  afterEach(async () => {
    if (engine && engine.exitCode === null) {
      engine.kill('SIGKILL');
      await new Promise((resolve) => engine!.once('exit', resolve));
    }
    dir.remove();
  });

  it(`serves a JavaScript snippet with its isolates ${children ? 'in sandbox processes' : 'inside the engine'}`, async () => {
    dir = tempDir();
    const port = await freePort();
    writeFileSync(join(dir.path, 'js.yaml'), `
- kind: listener
  name: listener
  protocol: http
  host: 127.0.0.1
  port: ${port}
  links: { out: [{ name: hello, port: in }] }
- kind: snippet
  name: hello
  language: javascript
  code: "export default (request) => ({ status: 200, body: { path: request.path } })"
`);
    engine = spawnWeft(['start', '-f', 'js.yaml', '--store', 'memory://', '--sandbox', sandbox], { cwd: dir.path });
    const body = await eventually(async () => {
      const response = await fetch(`http://127.0.0.1:${port}/hi`, { signal: AbortSignal.timeout(2000) });
      return response.ok ? ((await response.json()) as unknown) : undefined;
    }, 15_000, 'the snippet to answer');
    expect(body).toEqual({ path: '/hi' });
    expect(childrenOf(engine.pid!).length > 0, engine.output()).toBe(children);
  }, 30_000);
});
