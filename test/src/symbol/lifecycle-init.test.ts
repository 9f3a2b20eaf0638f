import { Type } from '@sinclair/typebox';
import { afterEach, describe, expect, it } from 'vitest';
import {
  checkLinkTargets, createDefaultLanguages, defineKind, MemoryStore, OneToOneNode, Packet, Process, Runtime, Scheme, WeftError,
  type Spec, type StoredSpec,
} from '../../../src/index.ts';
import { coreKinds } from '../../../schemes/core.ts';
import { capturingLogger } from '../../harness/capture-logger.ts';
import { until, within } from '../../harness/wait.ts';

/** What the `record` kind saw: per packet, the node's tag, the payload and the process. */
interface Seen {
  readonly tag: string;
  readonly payload: unknown;
  readonly process: Process;
}

/** Test kinds: `record` keeps what reaches it (and fails or hangs on demand); `probe` records activation. */
function testKinds(seen: Seen[], events: string[]) {
  return [
    defineKind({
      kind: 'record',
      description: 'records its packets; replies an error when `fail`, never when `hang`',
      schema: Type.Object({ tag: Type.String(), fail: Type.Optional(Type.Boolean()), hang: Type.Optional(Type.Boolean()) }),
      ports: { in: ['in'], out: ['out', 'error'] },
      codec: (spec) => new OneToOneNode((process, packet) => {
        seen.push({ tag: spec.tag, payload: packet.payload, process });
        events.push(`record:${spec.tag}`);
        if (spec.hang === true) return new Promise<Packet>(() => undefined);
        return new Packet(spec.fail === true ? new WeftError('ERR_THROWN_UNAVAILABLE', { message: `${spec.tag} is down` }) : 'ok');
      }),
    }),
    defineKind({
      kind: 'probe',
      description: 'records activate; echoes its input to out',
      schema: Type.Object({ tag: Type.String() }),
      ports: { in: ['in'], out: ['out', 'error'] },
      codec: (spec) => Object.assign(new OneToOneNode((_process, packet) => packet), { activate: () => void events.push(`activate:${spec.tag}`) }),
    }),
  ];
}

describe('the init lifecycle port', () => {
  let runtime: Runtime | undefined;
  afterEach(async () => {
    await runtime?.close();
    runtime = undefined;
  });

  async function start(specs: Spec[], options: { initTimeoutMs?: number } = {}) {
    const seen: Seen[] = [];
    const events: string[] = [];
    const logger = capturingLogger();
    const store = new MemoryStore();
    if (specs.length > 0) await store.insert(specs);
    runtime = new Runtime({ store, scheme: new Scheme({ kinds: [...coreKinds, ...testKinds(seen, events)] }), languages: createDefaultLanguages(), logger, ...options });
    await within(runtime.start(), 5000);
    return { seen, events, logger, store, runtime };
  }

  const p = (name: string, extra: Partial<Spec> = {}): Spec => ({ kind: 'probe', name, tag: name, ...extra });

  it('sends the spec, in a fresh root process, to what init links to, before the node activates', async () => {
    const { seen, events, runtime } = await start([
      p('a', { links: { init: [{ name: 'hello', port: 'in' }] } }),
      { kind: 'record', name: 'hello', tag: 'hello' },
    ]);
    expect(events).toEqual(['record:hello', 'activate:a']);
    expect(seen).toHaveLength(1);
    const spec = seen[0]!.payload as StoredSpec;
    expect(spec).toMatchObject({ kind: 'probe', name: 'a', namespace: 'default', tag: 'a', revision: 1 });
    expect(spec.id).toBe(runtime.table.byName('a')!.id);
    expect(seen[0]!.process.parent).toBeUndefined();
    expect(seen[0]!.process.state).toBe('exited');
    expect(runtime.table.byName('a')!.state).toBe('active');
  });

  it('runs init again when the spec changes, not when a node it links to changes', async () => {
    const { seen, store } = await start([
      p('a', { links: { init: [{ name: 'hello', port: 'in' }], out: [{ name: 'b', port: 'in' }] } }),
      p('b'),
      { kind: 'record', name: 'hello', tag: 'hello' },
    ]);
    expect(seen).toHaveLength(1);
    const [b] = await store.find({ name: 'b' });
    await store.update([{ ...b!, annotations: { touched: 'yes' } }]);
    await until(() => runtime!.table.byName('b')!.spec.annotations?.touched === 'yes');
    const [a] = await store.find({ name: 'a' });
    expect(seen).toHaveLength(1);
    await store.update([{ ...a!, annotations: { version: '2' } }]);
    await until(() => seen.length === 2);
    expect((seen[1]!.payload as StoredSpec).revision).toBe(2);
    await until(() => runtime!.table.byName('a')!.spec.revision === 2 && runtime!.table.byName('a')!.state === 'active');
  });

  it('does not load a node whose init answers an error: links to it answer 503 with the init error, logged as ERR_INIT_FAILED', async () => {
    const { logger, runtime, seen } = await start([
      { kind: 'snippet', name: 'caller', language: 'text', code: 'x', links: { out: [{ name: 'a', port: 'in' }] } },
      p('a', { links: { init: [{ name: 'broken', port: 'in' }] } }),
      { kind: 'record', name: 'broken', tag: 'broken', fail: true },
    ]);
    expect(runtime.table.byName('a')!.state).toBe('failed');
    const reply = await within(Promise.resolve(runtime.table.byName('caller')!.node.in('in')!.handle(new Process(), new Packet(null))));
    const error = reply.payload as WeftError;
    expect(error.code).toBe('ERR_NODE_UNAVAILABLE');
    expect(error.message).toContain('failed to initialise');
    expect(error.message).toContain('broken is down');
    const line = logger.lines.find((entry) => (entry.fields.err as WeftError | undefined)?.code === 'ERR_INIT_FAILED');
    expect(line?.level).toBe('error');
    expect(line?.fields.node).toBe('a');
    expect(runtime.status().find((node) => node.name === 'a')?.error).toMatchObject({ code: 'ERR_INIT_FAILED' });
    // Retried with backoff (init runs again each time), logged once while the failure stays the same.
    const tries = () => seen.filter((entry) => entry.tag === 'broken').length;
    await until(() => tries() >= 3, 5000);
    const failures = logger.lines.filter((entry) => entry.level === 'error' && (entry.fields.err as WeftError | undefined)?.code === 'ERR_INIT_FAILED');
    expect(failures).toHaveLength(1);
  });

  it('keeps the previous version serving when the init of an update fails, and loads it once init works', async () => {
    const { store, runtime, seen } = await start([
      p('a', { links: { init: [{ name: 'hello', port: 'in' }] } }),
      { kind: 'record', name: 'hello', tag: 'hello' },
    ]);
    const first = runtime.table.byName('a')!;
    const [a, hello] = await Promise.all([store.find({ name: 'a' }), store.find({ name: 'hello' })]);
    await store.update([{ ...hello[0]!, fail: true }]);
    await until(() => runtime.table.byName('hello')!.spec.revision === 2);
    await store.update([{ ...a[0]!, annotations: { v: '2' } }]);
    await until(() => runtime.loader.failures.has(first.id));
    expect(runtime.table.byName('a')).toBe(first);
    expect(first.state).toBe('active');
    expect((runtime.loader.failures.get(first.id)!.error as WeftError).code).toBe('ERR_INIT_FAILED');
    await store.update([{ ...hello[0]!, revision: 2, fail: false }]);
    // The failure is `unavailable`, so the loader retries it with backoff and init runs again.
    await until(() => runtime.table.byName('a')!.spec.revision === 2, 5000);
    expect(runtime.table.byName('a')!.state).toBe('active');
    expect(seen.filter((entry) => entry.tag === 'hello').length).toBeGreaterThanOrEqual(3);
  });

  it('loads a node whose init target arrives later, once the retry finds it (links bind late)', async () => {
    const { store, runtime, seen } = await start([p('a', { links: { init: [{ name: 'later', port: 'in' }] } })]);
    expect(runtime.table.byName('a')!.state).toBe('failed');
    expect(runtime.table.byName('a')!.error!.message).toContain('"later" is unavailable');
    await store.insert([{ kind: 'record', name: 'later', tag: 'later' }]);
    await until(() => runtime.table.byName('a')!.state === 'active', 5000);
    expect(seen.map((entry) => (entry.payload as StoredSpec).name)).toEqual(['a']);
  });

  it('fails the load when init does not answer within initTimeoutMs, and ends its process', async () => {
    const { runtime, seen } = await start([
      p('a', { links: { init: [{ name: 'slow', port: 'in' }] } }),
      { kind: 'record', name: 'slow', tag: 'slow', hang: true },
    ], { initTimeoutMs: 50 });
    const symbol = runtime.table.byName('a')!;
    expect(symbol.state).toBe('failed');
    expect((symbol.error as WeftError).code).toBe('ERR_INIT_FAILED');
    expect(symbol.error!.message).toContain('no reply within 50 ms');
    expect(seen[0]!.process.state).toBe('exited');
  });

  it('is a known out-port of every kind for validation, and its targets’ in-ports are checked', () => {
    const scheme = new Scheme({ kinds: coreKinds });
    const nop: Spec = { kind: 'nop', name: 'quiet', namespace: 'default', links: { init: [{ name: 'hello', port: 'in' }] } };
    expect(scheme.validate(nop)).toEqual([]);
    expect(scheme.validate({ ...nop, links: { start: [{ name: 'hello', port: 'in' }] } }).map((problem) => problem.path)).toEqual(['links.start']);
    const problems = checkLinkTargets(scheme, [{ ...nop, links: { init: [{ name: 'hello', port: 'out' }] } }, { kind: 'nop', name: 'hello', namespace: 'default' }]);
    expect(problems.get(0)?.map((problem) => problem.path)).toEqual(['links.init[0].port']);
  });
});
