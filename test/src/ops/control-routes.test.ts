import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { controlRoutes, createDefaultLanguages, MemoryStore, Runtime, Scheme, type Spec } from '../../../src/index.ts';
import { coreKinds } from '../../../schemes/core.ts';
import type { ListenerNode } from '../../../codecs/network/listener.ts';
import { serveOps, type TestOpsServer } from '../../harness/ops-server.ts';
import { until, within } from '../../harness/wait.ts';

let runtime: Runtime | undefined;
let ops: TestOpsServer | undefined;

afterEach(async () => {
  await ops?.close();
  await runtime?.close();
  ops = undefined;
  runtime = undefined;
});

/** A namespace with a listener → double (CEL) chain, a failing node and an unlinked node, served by the control routes. */
async function start(namespace = `ns-${randomUUID().slice(0, 8)}`): Promise<{ runtime: Runtime; ops: TestOpsServer; namespace: string; http: string }> {
  const store = new MemoryStore();
  const specs: Spec[] = [
    { kind: 'listener', name: 'http', protocol: 'http', host: '127.0.0.1', port: 0, links: { out: [{ name: 'reply', port: 'in' }] } },
    { kind: 'snippet', name: 'reply', language: 'cel', code: '{"path": self.path}' },
    { kind: 'snippet', name: 'double', language: 'cel', code: 'self * 2' },
    { kind: 'throw', name: 'fail', category: 'not found', message: 'nothing here' },
    { kind: 'snippet', name: 'broken', language: 'cel', code: 'self +' },
  ];
  await store.insert(specs.map((spec) => ({ namespace, ...spec })));
  runtime = new Runtime({ namespace, store, scheme: new Scheme({ kinds: coreKinds }), languages: createDefaultLanguages(), drainTimeoutMs: 2000 });
  await runtime.start();
  ops = await serveOps(controlRoutes(runtime));
  const port = (runtime.table.byName('http')!.node as ListenerNode).port;
  return { runtime, ops, namespace, http: `http://127.0.0.1:${port}` };
}

/** An ops answer's JSON body, loosely typed for assertions. */
interface Body {
  readonly [key: string]: unknown;
  readonly error?: { code: string; category: string };
  readonly nodes?: { name: string; state: string; error?: { code: string } }[];
  readonly payload?: unknown;
}

async function call(url: string, method = 'GET', body?: unknown): Promise<{ status: number; body: Body }> {
  const response = await fetch(url, {
    method, signal: AbortSignal.timeout(5000),
    ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }),
  });
  return { status: response.status, body: (await response.json()) as Body };
}

describe('control routes', () => {
  it('declare the roles: pause, resume and inject need write, status needs read', () => {
    const routes = controlRoutes([]).map((route) => `${route.method} ${route.path} ${route.role}`);
    expect(routes).toEqual([
      'POST /v1/namespaces/:namespace/pause write',
      'POST /v1/namespaces/:namespace/resume write',
      'GET /v1/namespaces/:namespace/status read',
      'POST /v1/nodes/:namespace/:name/inject write',
    ]);
  });

  it('status names state, pause, backlog, processes in flight and every node with its state', async () => {
    const { ops: server, namespace } = await start();
    const { status, body } = await call(`${server.url}/v1/namespaces/${namespace}/status`);
    expect(status).toBe(200);
    expect(body).toMatchObject({ namespace, state: 'running', ready: true, paused: false, backlog: { size: 0, limit: 10_000 }, backpressureEvents: 0, inFlight: 0 });
    const states = Object.fromEntries(body.nodes!.map((node) => [node.name, node.state]));
    expect(states).toEqual({ http: 'active', reply: 'active', double: 'active', fail: 'active', broken: 'failed' });
    expect(body.nodes!.find((node) => node.name === 'broken')!.error!.code).toMatch(/^ERR_/);
  });

  it('pause holds requests in the backlog, status counts them, resume answers them; changed says whether anything changed', async () => {
    const { ops: server, namespace, http, runtime: running } = await start();
    const paused = await call(`${server.url}/v1/namespaces/${namespace}/pause`, 'POST');
    expect(paused.status).toBe(200);
    expect(paused.body).toMatchObject({ paused: true, changed: true });
    expect((await call(`${server.url}/v1/namespaces/${namespace}/pause`, 'POST')).body).toMatchObject({ paused: true, changed: false });
    const held = [0, 1, 2].map((index) => call(`${http}/r${index}`));
    await until(() => running.processes.backlogSize === 3, 5000);
    expect((await call(`${server.url}/v1/namespaces/${namespace}/status`)).body).toMatchObject({ paused: true, backlog: { size: 3 } });
    const resumed = await call(`${server.url}/v1/namespaces/${namespace}/resume`, 'POST');
    expect(resumed.body).toMatchObject({ paused: false, changed: true });
    const answers = await within(Promise.all(held), 5000);
    expect(answers.map((answer) => [answer.status, answer.body.path])).toEqual([[200, '/r0'], [200, '/r1'], [200, '/r2']]);
    expect((await call(`${server.url}/v1/namespaces/${namespace}/resume`, 'POST')).body).toMatchObject({ changed: false });
  });

  it('take the runtimes from a function, so they can be served before the runtime exists', async () => {
    let current: Runtime[] = [];
    const late = await serveOps(controlRoutes(() => current));
    try {
      expect((await call(`${late.url}/v1/namespaces/default/status`)).body.error?.code).toBe('ERR_NAMESPACE_NOT_RUN');
      const { namespace, runtime: running } = await start();
      current = [running];
      expect((await call(`${late.url}/v1/namespaces/${namespace}/status`)).body).toMatchObject({ namespace, state: 'running' });
    } finally {
      await late.close();
    }
  });

  it('a namespace this engine does not run answers 404 ERR_NAMESPACE_NOT_RUN on every route', async () => {
    const { ops: server } = await start();
    for (const [method, path] of [['POST', '/v1/namespaces/other/pause'], ['POST', '/v1/namespaces/other/resume'], ['GET', '/v1/namespaces/other/status'], ['POST', '/v1/nodes/other/double/inject']]) {
      const answer = await call(server.url + path!, method);
      expect(answer.status).toBe(404);
      expect(answer.body.error?.code).toBe('ERR_NAMESPACE_NOT_RUN');
    }
  });

  it('inject runs a process from the node\'s in-port and returns its reply, also while paused', async () => {
    const { ops: server, namespace, runtime: running } = await start();
    const answer = await call(`${server.url}/v1/nodes/${namespace}/double/inject`, 'POST', { port: 'in', value: 21 });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ namespace, node: 'double', port: 'in', payload: 42 });
    expect(typeof answer.body.process).toBe('string');
    running.pause();
    expect((await call(`${server.url}/v1/nodes/${namespace}/double/inject`, 'POST', { value: 5 })).body.payload).toBe(10);
    expect(running.processes.size).toBe(0);
  });

  it('inject returns an error reply as {error: {code, category, message}} with status 200', async () => {
    const { ops: server, namespace } = await start();
    const answer = await call(`${server.url}/v1/nodes/${namespace}/fail/inject`, 'POST', { value: {} });
    expect(answer.status).toBe(200);
    expect(answer.body.payload).toBeNull();
    expect(answer.body.error).toMatchObject({ code: 'ERR_THROWN_NOT_FOUND', category: 'not found' });
  });

  it('inject refuses an unknown node (404), an inactive node (412), an unknown port and a bad body (400), running nothing', async () => {
    const { ops: server, namespace, runtime: running } = await start();
    const cases: [string, unknown, number, string][] = [
      ['nope', { value: 1 }, 404, 'ERR_NODE_NOT_FOUND'],
      ['broken', { value: 1 }, 412, 'ERR_NODE_NOT_ACTIVE'],
      ['double', { port: 'in[3]', value: 1 }, 400, 'ERR_PORT_UNKNOWN'],
      ['http', { value: 1 }, 400, 'ERR_PORT_UNKNOWN'],
      ['double', [1, 2], 400, 'ERR_INJECT_INVALID'],
      ['double', { port: 7 }, 400, 'ERR_INJECT_INVALID'],
      ['double', { value: 1, extra: true }, 400, 'ERR_INJECT_INVALID'],
    ];
    for (const [node, body, status, code] of cases) {
      const answer = await call(`${server.url}/v1/nodes/${namespace}/${node}/inject`, 'POST', body);
      expect([node, answer.status, answer.body.error?.code]).toEqual([node, status, code]);
    }
    expect(running.processes.size).toBe(0);
  });

  it('pause and inject answer 503 ERR_SHUTTING_DOWN once the runtime is closing', async () => {
    const { ops: server, namespace, runtime: running } = await start();
    await running.close();
    expect((await call(`${server.url}/v1/namespaces/${namespace}/pause`, 'POST')).body.error?.code).toBe('ERR_SHUTTING_DOWN');
    const status = await call(`${server.url}/v1/namespaces/${namespace}/status`);
    expect(status.body).toMatchObject({ state: 'closed', ready: false });
  });
});
