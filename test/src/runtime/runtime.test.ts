import { Type } from '@sinclair/typebox';
import { afterEach, describe, expect, it } from 'vitest';
import { until, within } from '../../harness/wait.ts';
import { defineKind, OneToOneNode, Packet, Runtime, Scheme, SourceNode, type LoaderEvent, type Process, type ProcessGroup } from '../../../src/index.ts';
import { openStore } from '../../../src/store/index.ts';
import type { SpecStore } from '../../../src/index.ts';

/** A source whose `send` starts a process and writes a payload, as a listener would per request. */
class Trigger extends SourceNode {
  static readonly all = new Map<string, Trigger>();
  readonly #processes: ProcessGroup;
  active = false;
  constructor(name: string, processes: ProcessGroup) {
    super();
    this.#processes = processes;
    Trigger.all.set(name, this);
  }
  activate(): void {
    this.active = true;
  }
  deactivate(): void {
    this.active = false;
  }
  close(): void {
    this.active = false;
  }
  async send(payload: unknown): Promise<unknown> {
    const process: Process = this.#processes.spawn();
    const reply = await this.emit(process, new Packet(payload));
    await process.finish();
    return reply.payload;
  }
}

const gates = new Map<string, Promise<void>>();
const kinds = [
  defineKind({
    kind: 'trigger',
    description: 'test source',
    schema: Type.Object({}),
    ports: { in: [], out: ['out', 'error'] },
    codec: (spec, context) => new Trigger(spec.name!, context.processes),
  }),
  defineKind({
    kind: 'suffix',
    description: 'appends a suffix; an unknown `mode` fails to compile',
    schema: Type.Object({ suffix: Type.String(), mode: Type.Optional(Type.String()), gate: Type.Optional(Type.String()) }),
    ports: { in: ['in'], out: ['out', 'error'] },
    codec: (spec) => {
      if (spec.mode !== undefined && spec.mode !== 'plain') throw new Error(`mode ${spec.mode} does not compile`);
      return new OneToOneNode((_process, packet) => {
        const gate = spec.gate === undefined ? undefined : gates.get(spec.gate);
        const value = `${String(packet.payload)}${spec.suffix}`;
        return gate === undefined ? new Packet(value) : gate.then(() => new Packet(value));
      });
    },
  }),
];

describe('Runtime', () => {
  let runtime: Runtime | undefined;
  let store: SpecStore;
  const events: LoaderEvent[] = [];
  afterEach(async () => {
    await runtime?.close();
    events.length = 0;
  });

  async function start(namespace = `ns-${Math.random().toString(36).slice(2, 8)}`) {
    store = await openStore('memory://');
    runtime = new Runtime({ namespace, store, scheme: new Scheme({ kinds }), onEvent: (event) => events.push(event), drainTimeoutMs: 2000 });
    return { runtime, namespace };
  }

  const chain = (namespace: string, trigger: string, suffix = '!') => [
    { kind: 'trigger', name: trigger, namespace, links: { out: [{ name: `${trigger}-s`, port: 'in' }] } },
    { kind: 'suffix', name: `${trigger}-s`, namespace, suffix },
  ];

  it('loads the stored namespace at start and activates complete workflows', async () => {
    const { runtime, namespace } = await start();
    await store.insert(chain(namespace, 't1'));
    await store.insert([{ kind: 'trigger', name: 'elsewhere', namespace: 'other-ns' }]);
    await within(runtime.start());
    expect(runtime.state).toBe('running');
    expect(Trigger.all.get('t1')!.active).toBe(true);
    expect(await Trigger.all.get('t1')!.send('hi')).toBe('hi!');
    expect(runtime.status().map((node) => node.name).sort()).toEqual(['t1', 't1-s']);
  });

  it('applies inserts, updates and deletes made after start, in order', async () => {
    const { runtime, namespace } = await start();
    await within(runtime.start());
    await store.insert(chain(namespace, 't2'));
    await until(() => Trigger.all.get('t2')?.active === true);
    const [target] = await store.find({ namespace, name: 't2-s' });
    await store.update([{ ...target!, suffix: '?' }]);
    await until(() => events.some((event) => event.type === 'loaded' && event.name === 't2-s' && event.revision === 2));
    expect(await Trigger.all.get('t2')!.send('hi')).toBe('hi?');
    await store.delete({ namespace, name: 't2-s' });
    await until(() => events.some((event) => event.type === 'removed' && event.name === 't2-s'));
    // The source keeps serving; only the path through the deleted node fails, with a coded 503.
    expect(Trigger.all.get('t2')!.active).toBe(true);
    expect(await Trigger.all.get('t2')!.send('hi')).toMatchObject({ code: 'ERR_NODE_UNAVAILABLE', category: 'unavailable' });
    expect(runtime.status().find((node) => node.name === 't2')).toMatchObject({ state: 'active', problems: [expect.stringContaining('not loaded')] });
  });

  it('serves a source at once and binds its link when the target arrives (late binding)', async () => {
    const { runtime, namespace } = await start();
    await within(runtime.start());
    const [source, target] = chain(namespace, 't3');
    await store.insert([source!]);
    await until(() => events.some((event) => event.type === 'loaded' && event.name === 't3'));
    expect(Trigger.all.get('t3')!.active).toBe(true);
    expect(runtime.status().find((node) => node.name === 't3')!.problems.join()).toContain('not loaded');
    const reply = (await Trigger.all.get('t3')!.send('hi')) as Error;
    expect(reply).toMatchObject({ code: 'ERR_NODE_UNAVAILABLE' });
    expect(reply.message).toContain('t3-s');
    await store.insert([target!]);
    await until(() => events.some((event) => event.type === 'loaded' && event.name === 't3-s'));
    expect(await Trigger.all.get('t3')!.send('hi')).toBe('hi!');
    expect(runtime.status().find((node) => node.name === 't3')!.problems).toEqual([]);
  });

  it('answers for a target that failed to compile with why, and waits for an invalid spec to change instead of retrying', async () => {
    const { runtime, namespace } = await start();
    await within(runtime.start());
    const [source] = chain(namespace, 't5');
    await store.insert([source!, { kind: 'suffix', name: 't5-s', namespace, suffix: 1 }]);
    await until(() => events.some((event) => event.type === 'failed' && event.name === 't5-s'));
    const reply = (await Trigger.all.get('t5')!.send('hi')) as Error;
    expect(reply).toMatchObject({ code: 'ERR_NODE_UNAVAILABLE' });
    expect(reply.message).toContain('failed to load');
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect(events.filter((event) => event.type === 'failed' && event.name === 't5-s')).toHaveLength(1);
    expect(runtime.loader.failures.get([...runtime.loader.failures.keys()][0]!)).toMatchObject({ retrying: false });
    const [broken] = await store.find({ namespace, name: 't5-s' });
    await store.update([{ ...broken!, suffix: '+' }]);
    await until(() => events.some((event) => event.type === 'loaded' && event.name === 't5-s'));
    expect(await Trigger.all.get('t5')!.send('hi')).toBe('hi+');
  });

  it('keeps the old node serving when an update fails to compile, reports it and retries with backoff', async () => {
    const { runtime, namespace } = await start();
    await store.insert(chain(namespace, 't4'));
    await within(runtime.start());
    const [target] = await store.find({ namespace, name: 't4-s' });
    await store.update([{ ...target!, mode: 'turbo' }]);
    await until(() => events.filter((event) => event.type === 'failed' && event.name === 't4-s').length >= 2, 3000);
    const failures = events.filter((event) => event.type === 'failed') as Extract<LoaderEvent, { type: 'failed' }>[];
    expect(failures.map((event) => event.attempt).slice(0, 2)).toEqual([1, 2]);
    expect(await Trigger.all.get('t4')!.send('hi')).toBe('hi!');
    expect(runtime.status().find((node) => node.name === 't4-s')).toMatchObject({ state: 'active', pendingError: expect.any(Error) });
    const [broken] = await store.find({ namespace, name: 't4-s' });
    await store.update([{ ...broken!, mode: 'plain', suffix: '.' }]);
    await until(() => events.some((event) => event.type === 'loaded' && event.name === 't4-s' && event.revision === 3));
    expect(await Trigger.all.get('t4')!.send('hi')).toBe('hi.');
    expect(runtime.loader.failures.size).toBe(0);
  });

  it('finishes in-flight work on the old node after a reload, and new work on the new one', async () => {
    const { runtime, namespace } = await start();
    let open!: () => void;
    gates.set('g1', new Promise<void>((resolve) => (open = resolve)));
    const [source, target] = chain(namespace, 't5');
    await store.insert([source!, { ...target!, gate: 'g1' }]);
    await within(runtime.start());
    const inFlight = Trigger.all.get('t5')!.send('old');
    const [stored] = await store.find({ namespace, name: 't5-s' });
    await store.update([{ kind: 'suffix', name: 't5-s', namespace, id: stored!.id, suffix: '+' }]);
    await until(() => events.some((event) => event.type === 'loaded' && event.name === 't5-s' && event.revision === 2));
    expect(await within(Trigger.all.get('t5')!.send('new'))).toBe('new+');
    open();
    expect(await within(inFlight)).toBe('old!');
  });

  it('close waits for in-flight processes, then unloads every node', async () => {
    const { runtime, namespace } = await start();
    let open!: () => void;
    gates.set('g2', new Promise<void>((resolve) => (open = resolve)));
    const [source, target] = chain(namespace, 't6');
    await store.insert([source!, { ...target!, gate: 'g2' }]);
    await within(runtime.start());
    const inFlight = Trigger.all.get('t6')!.send('x');
    const closing = runtime.close();
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(runtime.state).toBe('closing');
    open();
    expect(await within(inFlight)).toBe('x!');
    await within(closing);
    expect(runtime.state).toBe('closed');
    expect(Trigger.all.get('t6')!.active).toBe(false);
    expect(runtime.processes.admitting).toBe(false);
  });
});
