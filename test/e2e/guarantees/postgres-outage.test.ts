import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { serviceAvailable } from '../../fixtures/services.ts';
import { scratchSchema, type ScratchSchema } from '../../fixtures/postgres-scratch.ts';
import { startTcpProxy, type TcpProxy } from '../../fixtures/tcp-proxy.ts';
import { eventually, spawnWeft, tempDir, weft } from '../../harness/cli.ts';
import { startLoad } from './load.ts';
import { freePort, pingYaml } from './ping-versions.ts';

const postgres = await serviceAvailable('postgres');

/** A new route and the snippet it needs, in one apply: served together or not at all. */
function routeYaml(version: number): string {
  const routes = Array.from({ length: version }, (_, i) => `{ method: GET, path: /r${i + 1}, port: 'out[${i + 1}]' }`).join(', ');
  const links = Array.from({ length: version }, (_, i) => `    out[${i + 1}]: [{ name: r${i + 1}, port: in }]\n`).join('');
  return `- kind: router\n  name: router\n  routes: [{ method: GET, path: /ping, port: 'out[0]' }, ${routes}]\n  links:\n    out[0]: [{ name: pong, port: in }]\n${links}` +
    `- kind: snippet\n  name: r${version}\n  language: text\n  code: r${version}\n- kind: snippet\n  name: pong\n  language: text\n  code: v${version}\n`;
}

describe.skipIf(!postgres.available)('an engine on PostgreSQL whose store connection is cut', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  /** Starts `weft start` on the schema through a proxy the test can cut, serving ping on a free port. */
  const startEngine = async (): Promise<{ schema: ScratchSchema; proxy: TcpProxy; engine: ReturnType<typeof spawnWeft>; port: number; direct: string }> => {
    const schema = await scratchSchema(postgres.url);
    cleanups.push(() => schema.drop());
    const server = new URL(postgres.url);
    const proxy = await startTcpProxy({ host: server.hostname, port: Number(server.port || 5432) });
    cleanups.push(() => proxy.close());
    const proxied = new URL(schema.url());
    proxied.port = String(proxy.port);
    const dir = tempDir();
    cleanups.push(async () => dir.remove());
    const port = await freePort();
    writeFileSync(join(dir.path, 'ping.yaml'), pingYaml(port));
    const engine = spawnWeft(['start', '-f', 'ping.yaml', '--store', proxied.href], { cwd: dir.path, env: { WEFT_LOG_LEVEL: 'info' } });
    cleanups.push(async () => {
      if (engine.exitCode !== null) return;
      engine.kill('SIGKILL');
      await new Promise((resolve) => engine.once('exit', resolve));
    });
    await eventually(async () => ((await fetch(`http://127.0.0.1:${port}/ping`, { signal: AbortSignal.timeout(1000) })).ok ? true : undefined), 15_000, 'the engine to serve');
    // Cut only once start-up is over (a cut during start-up is another case).
    await eventually(async () => (engine.output().includes('weft is running') ? true : undefined), 15_000, 'the engine to finish starting');
    return { schema, proxy, engine, port, direct: schema.url() };
  };

  const body = async (port: number, path: string): Promise<string> => {
    const response = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(2000) });
    return `${response.status} ${await response.text()}`;
  };

  it('keeps serving through the outage, applies every change made meanwhile once back, and logs the outage', async () => {
    const { proxy, engine, port, direct } = await startEngine();
    const load = startLoad(`http://127.0.0.1:${port}/ping`, { connections: 3 });

    await proxy.cut();
    await eventually(async () => (engine.output().includes('store change feed disconnected') ? true : undefined), 15_000, 'the outage to be logged')
      .catch((thrown: unknown) => {
        throw new Error(`${String(thrown)}\n${engine.output().slice(-3000)}`);
      });
    // Another client changes the graph three times while the engine cannot see the store.
    for (let version = 1; version <= 3; version++) {
      const applied = await weft(['apply', '-f', '-', '--store', direct], { stdin: routeYaml(version) });
      expect(applied.code, applied.stderr).toBe(0);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await body(port, '/ping')).toBe('200 pong');

    await proxy.restore();
    await eventually(async () => ((await body(port, '/r3')) === '200 r3' ? true : undefined), 15_000, 'the changes made during the outage');
    for (const version of [1, 2, 3]) expect(await body(port, `/r${version}`)).toBe(`200 r${version}`);
    expect(await body(port, '/ping')).toBe('200 v3');
    await eventually(async () => (engine.output().includes('store change feed reconnected') ? true : undefined), 5000, 'the reconnection to be logged');

    const report = await load.stop();
    expect(report.failures, engine.output().slice(-3000)).toEqual([]);
    expect(report.strangers).toEqual([]);
    expect(report.regressions).toBe(0);
    // Every reply was the old graph or a whole new one (v1 and v2 may be skipped: they were never visible).
    expect(report.highest).toBe(3);
  }, 90_000);

  it('converges after pg_terminate_backend ends its change-feed connection', async () => {
    const { schema, engine, port, direct } = await startEngine();
    expect(await schema.terminateListeners()).toBeGreaterThan(0);
    const applied = await weft(['apply', '-f', '-', '--store', direct], { stdin: routeYaml(1) });
    expect(applied.code, applied.stderr).toBe(0);
    await eventually(async () => ((await body(port, '/r1')) === '200 r1' ? true : undefined), 15_000, 'the change after the terminated connection');
    expect(await body(port, '/ping')).toBe('200 v1');
    expect(engine.output()).toContain('store change feed disconnected');
  }, 60_000);
});
