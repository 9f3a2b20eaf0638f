import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { parse } from 'yaml';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { controlRoutes, createDefaultLanguages, MemoryStore, Runtime, Scheme, type Spec } from '../../src/index.ts';
import { coreKinds } from '../../schemes/core.ts';
import type { ListenerNode } from '../../codecs/network/listener.ts';
import { freePort, tempDir, weft } from '../harness/cli.ts';
import { serveOps, type TestOpsServer } from '../harness/ops-server.ts';
import { until, within } from '../harness/wait.ts';

describe('weft pause | resume | status | inject (over real HTTP to the control routes)', () => {
  let runtime: Runtime;
  let ops: TestOpsServer;
  let namespace: string;
  let env: Record<string, string>;
  let dir: ReturnType<typeof tempDir>;

  beforeEach(async () => {
    namespace = `ns-${randomUUID().slice(0, 8)}`;
    dir = tempDir();
    const store = new MemoryStore();
    const specs: Spec[] = [
      { kind: 'listener', name: 'http', protocol: 'http', host: '127.0.0.1', port: 0, links: { out: [{ name: 'reply', port: 'in' }] } },
      { kind: 'snippet', name: 'reply', language: 'cel', code: '{"path": self.path}' },
      { kind: 'snippet', name: 'double', language: 'cel', code: 'self.n * 2' },
      { kind: 'throw', name: 'fail', category: 'not found', message: 'nothing here' },
    ];
    await store.insert(specs.map((spec) => ({ namespace, ...spec })));
    runtime = new Runtime({ namespace, store, scheme: new Scheme({ kinds: coreKinds }), languages: createDefaultLanguages(), drainTimeoutMs: 2000 });
    await runtime.start();
    ops = await serveOps(controlRoutes(runtime));
    env = { WEFT_OPS: ops.address, WEFT_NAMESPACE: namespace };
  });

  afterEach(async () => {
    await ops.close();
    await runtime.close();
    dir.remove();
  });

  const run = (args: string[], extra: Record<string, string> = {}) => weft(args, { env: { ...env, ...extra }, cwd: dir.path });

  it('status prints the namespace summary and its nodes as a table, JSON or YAML', async () => {
    const table = await run(['status']);
    expect(table.code, table.stderr).toBe(0);
    expect(table.stdout).toMatch(/NAMESPACE\s+STATE\s+READY\s+PAUSED\s+BACKLOG/);
    expect(table.stdout).toContain(namespace);
    expect(table.stdout).toMatch(/double\s+snippet\s+active/);
    const json = JSON.parse((await run(['status', '-o', 'json'])).stdout) as { namespace: string; paused: boolean; nodes: unknown[] };
    expect(json).toMatchObject({ namespace, paused: false });
    expect(json.nodes).toHaveLength(4);
    expect(parse((await run(['status', namespace, '-o', 'yaml'])).stdout)).toMatchObject({ namespace, state: 'running' });
  });

  it('pause holds HTTP requests, resume serves them in order; both print the new state', async () => {
    const paused = await run(['pause', '-o', 'json']);
    expect(paused.code, paused.stderr).toBe(0);
    expect(JSON.parse(paused.stdout)).toMatchObject({ paused: true, changed: true });
    const url = `http://127.0.0.1:${(runtime.table.byName('http')!.node as ListenerNode).port}`;
    const held = ['/a', '/b'].map((path) => fetch(url + path, { signal: AbortSignal.timeout(5000) }).then((response) => response.json()));
    await until(() => runtime.processes.backlogSize === 2, 5000);
    const status = await run(['status']);
    expect(status.stdout).toMatch(/true\s+true\s+2\/10000/);
    const resumed = await run(['resume', namespace]);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toMatch(/running\s+true\s+false/);
    expect(await within(Promise.all(held), 5000)).toEqual([{ path: '/a' }, { path: '/b' }]);
  });

  it('inject prints the reply payload; an error reply is printed with its code and exits 1', async () => {
    const ok = await run(['inject', 'double', '--port', 'in', '--data', '{"n": 21}']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toBe(42);
    const full = JSON.parse((await run(['inject', 'double', '-d', '{"n": 1}', '-o', 'json'])).stdout) as { payload: number; node: string };
    expect(full).toMatchObject({ payload: 2, node: 'double' });
    const failed = await run(['inject', 'fail', '-d', '{}']);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toMatch(/^error ERR_THROWN_NOT_FOUND: /);
  });

  it('inject of an unknown node or port fails with the engine\'s code; bad --data exits 2', async () => {
    const unknown = await run(['inject', 'nope']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/^error ERR_NODE_NOT_FOUND: /);
    const port = await run(['inject', 'double', '--port', 'in[2]']);
    expect(port.stderr).toMatch(/^error ERR_PORT_UNKNOWN: /);
    const data = await run(['inject', 'double', '-d', '{nope']);
    expect(data.code).toBe(2);
    expect(data.stderr).toMatch(/^error ERR_INVOKE_DATA: /);
  });

  it('a namespace the engine does not run is ERR_NAMESPACE_NOT_RUN', async () => {
    const other = await run(['pause', 'elsewhere']);
    expect(other.code).toBe(1);
    expect(other.stderr).toMatch(/^error ERR_NAMESPACE_NOT_RUN: /);
    expect(runtime.paused).toBe(false);
  });

  it('an ops plane that does not answer is ERR_OPS_UNREACHABLE; no or a bad address is ERR_OPS_ADDRESS', async () => {
    const closed = await freePort();
    const unreachable = await run(['status', '--ops', `127.0.0.1:${closed}`]);
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toMatch(/^error ERR_OPS_UNREACHABLE: .*ECONNREFUSED/);
    const none = await weft(['status'], { env: { WEFT_NAMESPACE: namespace }, cwd: dir.path });
    expect(none.stderr).toMatch(/^error ERR_OPS_ADDRESS: /);
    const bad = await run(['status', '--ops', 'not an address']);
    expect(bad.stderr).toMatch(/^error ERR_OPS_ADDRESS: /);
  });

  it('an address that answers but is not the ops plane is ERR_OPS_UNREACHABLE, not a crash', async () => {
    const other = createServer((request, response) => {
      if (request.url?.startsWith('/v1/namespaces/')) response.writeHead(404).end('Not Found');
      else response.writeHead(200, { 'content-type': 'text/html' }).end('<html></html>');
    });
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    try {
      const address = `127.0.0.1:${(other.address() as AddressInfo).port}`;
      const answer = await run(['status', '--ops', address]);
      expect(answer.code).toBe(1);
      expect(answer.stderr).toMatch(/^error ERR_OPS_UNREACHABLE: /);
    } finally {
      other.closeAllConnections();
      await new Promise((resolve) => other.close(resolve));
    }
  });
});
