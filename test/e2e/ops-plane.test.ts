import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { eventually, freePort, runWeft, spawnWeft, tempDir, weft } from '../harness/cli.ts';
import { connectEvents, get } from '../src/ops/ops-harness.ts';

/** Resident set size of a process, in bytes (Linux /proc). */
function rssOf(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8').split('\n').find((entry) => entry.startsWith('VmRSS:'))!;
  return Number(line.split(/\s+/)[1]) * 1024;
}

/** listener → echo (the body back): a port:emit per request as large as the body. */
function echoYaml(port: number): string {
  return `
- kind: listener
  name: listener
  protocol: http
  host: 127.0.0.1
  port: ${port}
  links:
    out: [{ name: echo, port: in }]
- kind: snippet
  name: echo
  language: cel
  code: 'size(self.body)'
`;
}

describe('weft start --ops', () => {
  let dir: ReturnType<typeof tempDir>;
  let engine: ReturnType<typeof spawnWeft> | undefined;
  beforeEach(() => (dir = tempDir()));
  afterEach(async () => {
    if (engine !== undefined && engine.exitCode === null) {
      engine.kill('SIGKILL');
      await new Promise((resolve) => engine!.once('exit', resolve));
    }
    engine = undefined;
    dir.remove();
  });

  it('refuses a host beyond loopback without --ops-bind-public, with ERR_OPS_ADDRESS_INVALID', async () => {
    const run = await runWeft(['start', '--store', 'memory://', '--ops', '0.0.0.0:9464'], { cwd: dir.path });
    expect(run.code).toBe(1);
    expect(run.stdout + run.stderr).toContain('ERR_OPS_ADDRESS_INVALID');
  });

  it('asks for the admin API\'s credentials unless --insecure: 401 ERR_AUTH_REQUIRED without a token', async () => {
    const [port, ops] = [await freePort(), await freePort()];
    writeFileSync(join(dir.path, 'echo.yaml'), echoYaml(port));
    engine = spawnWeft(['start', '-f', 'echo.yaml', '--store', `sqlite://${join(dir.path, 'weft.db')}`, '--ops', `127.0.0.1:${ops}`], { cwd: dir.path, env: { WEFT_LOG_LEVEL: 'warn' } });
    const refused = await eventually(async () => {
      const answer = await get(`http://127.0.0.1:${ops}/metrics`);
      return answer.status === 401 ? answer : undefined;
    }, 20_000, '/metrics to answer 401');
    expect(JSON.parse(refused.text)).toMatchObject({ error: { code: 'ERR_AUTH_REQUIRED' } });
    // The health probes stay open, for kubelets and load balancers that carry no token.
    expect((await get(`http://127.0.0.1:${ops}/healthz`)).status).toBe(200);
    expect([200, 503]).toContain((await get(`http://127.0.0.1:${ops}/readyz`)).status);
    // A read token of the store opens the rest.
    const token = (await weft(['token', 'create', 'scraper', '--role', 'read'], { cwd: dir.path, env: { WEFT_STORE: `sqlite://${join(dir.path, 'weft.db')}` } })).stdout.trim();
    const scraped = await eventually(async () => {
      const answer = await get(`http://127.0.0.1:${ops}/metrics`, { authorization: `Bearer ${token}` });
      return answer.status === 200 ? answer : undefined;
    }, 5000, '/metrics to answer a read token');
    expect(scraped.text).toContain('weft_');
  }, 30_000);

  it('/readyz is 503 naming the engine while it waits for its store, then 200 once it serves', async () => {
    const [port, ops] = [await freePort(), await freePort()];
    writeFileSync(join(dir.path, 'echo.yaml'), echoYaml(port));
    // A file where the store's folder must go: the store cannot be opened until it is removed.
    writeFileSync(join(dir.path, 'blocker'), 'not a folder');
    engine = spawnWeft(['start', '-f', 'echo.yaml', '--store', `sqlite://${join(dir.path, 'blocker', 'weft.db')}`, '--ops', `127.0.0.1:${ops}`, '--insecure'], { cwd: dir.path, env: { WEFT_LOG_LEVEL: 'warn' } });
    const opsUrl = `http://127.0.0.1:${ops}`;
    const waiting = await eventually(async () => {
      const answer = await get(`${opsUrl}/readyz`);
      return answer.status === 503 ? (JSON.parse(answer.text) as { failing: string[] }) : undefined;
    }, 20_000, '/readyz to answer 503');
    expect(waiting.failing).toEqual(['engine']);
    expect((await get(`${opsUrl}/healthz`)).status).toBe(200);
    rmSync(join(dir.path, 'blocker'));
    const ready = await eventually(async () => {
      const answer = await get(`${opsUrl}/readyz`);
      return answer.status === 200 ? (JSON.parse(answer.text) as { checks: { name: string }[] }) : undefined;
    }, 30_000, '/readyz to answer 200');
    expect(ready.checks.map((check) => check.name)).toEqual(['listener default/listener', 'sandbox', 'specs default', 'store default']);
    // The control routes are served beside metrics and health.
    expect((await get(`${opsUrl}/v1/namespaces/default/status`)).status).toBe(200);
  }, 60_000);

  it('a subscriber that never reads does not raise the engine\'s RSS beyond a bound', async () => {
    const [port, ops] = [await freePort(), await freePort()];
    writeFileSync(join(dir.path, 'echo.yaml'), echoYaml(port));
    engine = spawnWeft(['start', '-f', 'echo.yaml', '--store', 'memory://', '--ops', `127.0.0.1:${ops}`, '--insecure'], { cwd: dir.path, env: { WEFT_LOG_LEVEL: 'warn', WEFT_OPS_EVENT_VALUE_SIZE: String(80 * 1024) } });
    const opsUrl = `http://127.0.0.1:${ops}`;
    await eventually(async () => ((await get(`${opsUrl}/readyz`)).status === 200 ? true : undefined), 20_000, 'the engine to be ready');
    const client = await connectEvents(opsUrl);
    try {
      client.socket.pause();
      const body = JSON.stringify({ text: 'x'.repeat(64 * 1024) });
      const post = () => fetch(`http://127.0.0.1:${port}/`, { method: 'POST', body, headers: { 'content-type': 'application/json' }, signal: AbortSignal.timeout(5000) }).then((response) => response.text());
      const load = async (requests: number) => {
        for (let i = 0; i < requests; i += 25) await Promise.all(Array.from({ length: 25 }, post));
      };
      // First the same load with the subscriber paused but subscribed to nothing, so the heap
      // reaches the size the requests themselves need; then with port:emit events of ~64 KB
      // (WEFT_OPS_EVENT_VALUE_SIZE): unbounded, the engine would queue all ~190 MB of them.
      await load(3000);
      const before = rssOf(engine.pid!);
      client.send({ type: 'subscribe', filter: { types: ['port:emit'] } });
      await new Promise((resolve) => setTimeout(resolve, 200));
      await load(3000);
      const grown = rssOf(engine.pid!) - before;
      expect(grown).toBeLessThan(64 * 1024 * 1024);
      // Reading again, it is told how many events it missed, before the next one.
      client.socket.resume();
      await new Promise((resolve) => setTimeout(resolve, 500));
      await post();
      const dropped = (await client.until((messages) => messages.some((message) => message.type === 'dropped'), 10_000)).find((message) => message.type === 'dropped')!;
      expect(dropped.count).toBeGreaterThan(1000);
      const requests = 6001;
      const metrics = JSON.parse((await get(`${opsUrl}/v1/metrics`)).text) as { namespaces: Record<string, { nodes: Record<string, { messagesProcessed: number }> }> };
      expect(metrics.namespaces.default!.nodes.echo!.messagesProcessed).toBe(requests);
    } finally {
      client.close();
    }
  }, 90_000);
});
