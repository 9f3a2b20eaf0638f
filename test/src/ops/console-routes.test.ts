import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { consoleRoutes, controlRoutes, lineDiff, namespaceSpecs, RevisionHistory, uiRoutes, type OpsRoute, type Runtime, type Spec, type StoredSpec, WeftError } from '../../../src/index.ts';
import { until } from '../../harness/wait.ts';
import { WebSocket } from 'ws';
import { get, pingSpecs, startOpsEngine, type OpsEngine } from './ops-harness.ts';

/** examples/ping.yaml, and GET /fail → a throw node. */
function withFailure(): Spec[] {
  return [
    ...pingSpecs().map((spec) => spec.kind !== 'router' ? spec : {
      ...spec,
      routes: [...(spec.routes as unknown[]), { method: 'GET', path: '/fail', port: 'out[1]' }],
      links: { ...spec.links, 'out[1]': [{ name: 'fail', port: 'in' }] },
    }),
    { kind: 'throw', name: 'fail', category: 'not found', message: 'nothing here' },
  ];
}

describe('the console routes of the ops plane', () => {
  let engine: OpsEngine | undefined;
  let dir: string | undefined;
  afterEach(async () => {
    await engine?.close();
    engine = undefined;
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  const start = async (extra: (runtime: () => Runtime[]) => OpsRoute[] = () => []) => {
    const running: Runtime[] = [];
    engine = await startOpsEngine(withFailure(), {
      plane: { routes: (plane) => [...controlRoutes(() => running), ...consoleRoutes({ runtimes: () => running, metrics: plane.metrics, revisions: plane.revisions }), ...extra(() => running)] },
    });
    running.push(engine.runtime);
    engine.plane.revisions.sync(namespaceSpecs(engine.runtime).map((entry) => entry.spec));
    return engine;
  };
  const json = async (url: string) => {
    const answer = await get(url);
    return { status: answer.status, body: JSON.parse(answer.text) as Record<string, unknown> };
  };

  it('lists the namespaces with engine state, spec and node counts, failed loads and sources by kind', async () => {
    const { ops } = await start();
    const { status, body } = await json(`${ops}/v1/namespaces`);
    expect(status).toBe(200);
    expect(body.namespaces).toEqual([{
      namespace: 'default', state: 'running', ready: true, paused: false, backlog: 0, inFlight: 0, specs: 4,
      nodes: { active: 4, inactive: 0, failed: 0 }, failedLoads: 0, sources: { listener: 1 },
    }]);
  });

  it('serves the specs with YAML and state, and the graph as the topology of the kinds\' ports', async () => {
    const { ops } = await start();
    const specs = (await json(`${ops}/v1/namespaces/default/specs?yaml=true`)).body.specs as { name: string; state: string; yaml: string; revision: number }[];
    expect(specs.map((entry) => `${entry.name} ${entry.state} ${entry.revision}`)).toEqual(['listener active 1', 'router active 1', 'pong active 1', 'fail active 1']);
    expect(specs[2]!.yaml).toContain('code: pong\n');
    expect(((await json(`${ops}/v1/namespaces/default/specs`)).body.specs as { yaml?: string }[])[0]!.yaml).toBeUndefined();
    const graph = (await json(`${ops}/v1/namespaces/default/graph`)).body;
    expect(graph).toMatchObject({ namespace: 'default', inputs: ['listener'], outputs: ['pong', 'fail'], acyclic: true, unreachable: [], unresolved: [] });
    expect(graph.edges).toHaveLength(3);
    expect((await json(`${ops}/v1/namespaces/nosuch/graph`)).body).toMatchObject({ error: { code: 'ERR_NAMESPACE_NOT_RUN' } });
  });

  it('counts a node\'s packets and keeps its last errors', async () => {
    const { ops, app } = await start();
    for (let i = 0; i < 3; i++) expect((await fetch(`${app}/ping`)).status).toBe(200);
    expect((await fetch(`${app}/fail`)).status).toBe(404);
    const pong = (await json(`${ops}/v1/nodes/default/pong/metrics`)).body;
    expect(pong).toMatchObject({ node: 'pong', kind: 'snippet', packetsIn: 3, errors: 0, recentErrors: [] });
    expect((pong.latencyBuckets as { count: number }[]).reduce((sum, bucket) => sum + bucket.count, 0)).toBe(pong.latencySamples);
    const fail = (await json(`${ops}/v1/nodes/default/fail/metrics`)).body;
    expect(fail).toMatchObject({ packetsIn: 1, errors: 1 });
    expect(fail.recentErrors).toEqual([expect.objectContaining({ code: 'ERR_THROWN_NOT_FOUND', message: expect.stringContaining('nothing here') as string })]);
    // Counted once, where it came from.
    expect((await json(`${ops}/v1/nodes/default/router/metrics`)).body).toMatchObject({ packetsIn: 4, errors: 0 });
    expect((await json(`${ops}/v1/nodes/default/nosuch/metrics`)).status).toBe(404);
  });

  it('keeps the revisions it has seen since start and diffs two of them', async () => {
    const { ops, store, runtime } = await start();
    const [pong] = await store.find({ namespace: 'default', name: ['pong'] });
    await store.update([{ ...pong!, code: 'pong v2' }]);
    await until(() => (runtime.table.byName('pong')?.spec as StoredSpec | undefined)?.revision === 2, 5000);
    const history = (await json(`${ops}/v1/nodes/default/pong/revisions`)).body;
    expect((history.revisions as { revision: number; op: string }[]).map((entry) => `${entry.revision} ${entry.op}`)).toEqual(['1 seen', '2 update']);
    const diff = (await json(`${ops}/v1/nodes/default/pong/diff`)).body;
    expect(diff).toMatchObject({ from: 1, to: 2 });
    const changed = (diff.lines as { op: string; text: string }[]).filter((line) => line.op !== ' ');
    expect(changed.map((line) => line.op + line.text).sort()).toEqual(['+code: pong v2', '+revision: 2', '-code: pong', '-revision: 1']);
    expect((await json(`${ops}/v1/nodes/default/pong/diff?from=7`)).body).toMatchObject({ error: { code: 'ERR_REVISION_NOT_KEPT' } });
    expect((await json(`${ops}/v1/nodes/default/pong/diff?to=x`)).status).toBe(400);
  });

  it('serves the console page without credentials, with a content security policy', async () => {
    dir = mkdtempSync(join(tmpdir(), 'weft-ui-'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html><script src="console.js"></script>');
    writeFileSync(join(dir, 'console.js'), 'console.log(1)');
    const folder = dir;
    const { ops } = await start(() => uiRoutes({ dir: folder }));
    const page = await fetch(`${ops}/ui`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(await page.text()).toContain('console.js');
    expect((await get(`${ops}/ui/console.js`)).type).toMatch(/^text\/javascript/);
    expect((await get(`${ops}/ui/../package.json`)).status).toBe(404);
    expect((await get(`${ops}/ui/nosuch.js`)).status).toBe(404);
  });
});

describe('the event stream with a token in the WebSocket subprotocol (what a browser can send)', () => {
  let engine: OpsEngine | undefined;
  afterEach(async () => engine?.close());

  it('takes weft.bearer.TOKEN as the credential and answers with weft.events only', async () => {
    engine = await startOpsEngine(pingSpecs(), {
      plane: { guard: async (headers) => (headers.authorization === 'Bearer good' ? undefined : new WeftError('ERR_AUTH_REQUIRED', { reason: 'test' })) },
    });
    const open = (protocols: string[]) => new Promise<WebSocket>((resolve, reject) => {
      const socket = new WebSocket(`${engine!.ops.replace('http', 'ws')}/v1/events`, protocols);
      socket.once('open', () => resolve(socket));
      socket.once('error', reject);
    });
    await expect(open(['weft.events', 'weft.bearer.bad'])).rejects.toThrow(/401/);
    await expect(open(['weft.events'])).rejects.toThrow(/401/);
    const socket = await open(['weft.events', 'weft.bearer.good']);
    expect(socket.protocol).toBe('weft.events');
    socket.close();
  });
});

describe('RevisionHistory', () => {
  const spec = (id: string, revision: number, name = id): StoredSpec => ({ id, name, namespace: 'ns', kind: 'snippet', revision });

  it('keeps revisions by spec id, finds them by name, and ignores a revision seen again', () => {
    const history = new RevisionHistory();
    history.record('seen', spec('a', 1));
    history.sync([spec('a', 1), spec('b', 3)]);
    history.record('update', spec('a', 2, 'renamed'));
    expect(history.of('ns', 'renamed').map((entry) => entry.revision)).toEqual([1, 2]);
    expect(history.of('ns', 'a').map((entry) => entry.revision)).toEqual([1, 2]);
    expect(history.of('ns', 'b').map((entry) => entry.op)).toEqual(['seen']);
    expect(history.of('other', 'b')).toEqual([]);
  });

  it('drops the oldest revisions past its bounds (in all, and per spec)', () => {
    const history = new RevisionHistory({ maxRevisions: 5, perSpec: 3 });
    for (let revision = 1; revision <= 4; revision++) history.record('update', spec('a', revision));
    expect(history.of('ns', 'a').map((entry) => entry.revision)).toEqual([2, 3, 4]);
    for (let revision = 1; revision <= 3; revision++) history.record('update', spec('b', revision));
    expect(history.size).toBe(5);
    expect(history.of('ns', 'a').map((entry) => entry.revision)).toEqual([3, 4]);
  });
});

describe('lineDiff', () => {
  it('keeps common lines and shows removals before additions', () => {
    expect(lineDiff('a\nb\nc\n', 'a\nx\nc\nd\n')).toEqual([
      { op: ' ', text: 'a' }, { op: '-', text: 'b' }, { op: '+', text: 'x' }, { op: ' ', text: 'c' }, { op: '+', text: 'd' },
    ]);
    expect(lineDiff('', 'a\n')).toEqual([{ op: '+', text: 'a' }]);
    expect(lineDiff('same\n', 'same\n')).toEqual([{ op: ' ', text: 'same' }]);
  });
});
