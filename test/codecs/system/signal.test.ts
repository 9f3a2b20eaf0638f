import { Type } from '@sinclair/typebox';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createDefaultLanguages, defineKind, MemoryStore, OneToOneNode, Packet, Runtime, Scheme, WeftError,
  type Process, type Spec, type SpecStore,
} from '../../../src/index.ts';
import { openStore } from '../../../src/store/index.ts';
import { coreKinds } from '../../../schemes/core.ts';
import { capturingLogger } from '../../harness/capture-logger.ts';
import { tempDir } from '../../harness/cli.ts';
import { until } from '../../harness/wait.ts';

interface Seen {
  readonly payload: { op: string; spec: Spec & { id: string; revision: number } };
  readonly process: Process;
}

/** `collect` keeps what reaches it; `fail: true` answers an error. */
function collectKind(seen: Seen[]) {
  return defineKind({
    kind: 'collect',
    description: 'records its packets',
    schema: Type.Object({ fail: Type.Optional(Type.Boolean()) }),
    ports: { in: ['in'], out: ['out', 'error'] },
    codec: (spec) => new OneToOneNode((process, packet) => {
      seen.push({ payload: packet.payload as Seen['payload'], process });
      return new Packet(spec.fail === true ? new WeftError('ERR_THROWN_UNAVAILABLE', { message: 'collector down' }) : null);
    }),
  });
}

describe('signal', () => {
  let runtime: Runtime | undefined;
  afterEach(async () => {
    await runtime?.close();
    runtime = undefined;
  });

  async function start(store: SpecStore, seen: Seen[], specs: Spec[]) {
    const logger = capturingLogger();
    await store.insert(specs);
    runtime = new Runtime({ store, scheme: new Scheme({ kinds: [...coreKinds, collectKind(seen)] }), languages: createDefaultLanguages(), logger });
    await runtime.start();
    return { runtime, logger };
  }

  const watcher: Spec[] = [
    { kind: 'signal', name: 'watch', topic: 'specs', links: { out: [{ name: 'seen', port: 'in' }] } },
    { kind: 'collect', name: 'seen' },
  ];

  it('sends {op, spec} for each insert, update and delete, in its own root process, once the change is loaded', async () => {
    const seen: Seen[] = [];
    const store = new MemoryStore();
    const { runtime } = await start(store, seen, watcher);
    expect(seen).toEqual([]);
    const [hello] = await store.insert([{ kind: 'snippet', name: 'hello', language: 'text', code: 'hi', env: { token: 'not for signals' } }]);
    await until(() => seen.length === 1);
    expect(seen[0]!.payload).toMatchObject({ op: 'insert', spec: { id: hello!.id, name: 'hello', kind: 'snippet', code: 'hi', revision: 1 } });
    expect(seen[0]!.payload.spec).not.toHaveProperty('env');
    expect(seen[0]!.process.parent).toBeUndefined();
    expect(runtime.table.byName('hello')?.state).toBe('active');
    await store.update([{ ...hello!, code: 'hello' }]);
    await until(() => seen.length === 2);
    expect(seen[1]!.payload).toMatchObject({ op: 'update', spec: { name: 'hello', code: 'hello', revision: 2 } });
    await store.delete({ name: 'hello' });
    await until(() => seen.length === 3);
    expect(seen[2]!.payload).toMatchObject({ op: 'delete', spec: { id: hello!.id, name: 'hello' } });
    await until(() => seen.every((entry) => entry.process.state === 'exited'));
  });

  it('subscribes once across reloads, and unsubscribes when deleted', async () => {
    const seen: Seen[] = [];
    const store = new MemoryStore();
    const { runtime } = await start(store, seen, watcher);
    expect(runtime.specChanges.size).toBe(1);
    const [watch] = await store.find({ name: 'watch' });
    await store.update([{ ...watch!, annotations: { v: '2' } }]);
    await until(() => seen.length === 1 && runtime.table.byName('watch')!.spec.revision === 2);
    await until(() => runtime.specChanges.size === 1);
    await store.insert([{ kind: 'nop', name: 'one' }]);
    await until(() => seen.length === 2);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(seen.map((entry) => `${entry.payload.op} ${entry.payload.spec.name}`)).toEqual(['update watch', 'insert one']);
    await store.delete({ name: 'watch' });
    await until(() => runtime.specChanges.size === 0);
    await store.insert([{ kind: 'nop', name: 'two' }]);
    await until(() => runtime.table.byName('two') !== undefined);
    expect(seen).toHaveLength(2);
  });

  it('logs an error reply it cannot route, and keeps signalling', async () => {
    const seen: Seen[] = [];
    const store = new MemoryStore();
    const { logger } = await start(store, seen, [watcher[0]!, { kind: 'collect', name: 'seen', fail: true }]);
    await store.insert([{ kind: 'nop', name: 'a' }, { kind: 'nop', name: 'b' }]);
    await until(() => seen.length === 2);
    await until(() => logger.lines.filter((line) => line.message === 'signal handling failed').length === 2);
    const line = logger.lines.find((entry) => entry.message === 'signal handling failed')!;
    expect((line.fields.err as WeftError).code).toBe('ERR_THROWN_UNAVAILABLE');
    expect(line.fields.node).toBe('watch');
  });

  it('signals what another writer applies to a SQLite store', async () => {
    const dir = tempDir();
    try {
      const url = `sqlite://${dir.path}/weft.db`;
      const seen: Seen[] = [];
      await start(await openStore(url), seen, watcher);
      const writer = await openStore(url);
      try {
        await writer.insert([{ kind: 'nop', name: 'from-elsewhere' }]);
      } finally {
        await writer.close();
      }
      await until(() => seen.length === 1, 5000);
      expect(seen[0]!.payload).toMatchObject({ op: 'insert', spec: { name: 'from-elsewhere', kind: 'nop' } });
    } finally {
      await runtime?.close();
      runtime = undefined;
      dir.remove();
    }
  });

  it('fans a spec change out, through a session, to every long-lived process holding one', async () => {
    const seen: Seen[] = [];
    const store = new MemoryStore();
    const { runtime } = await start(store, seen, [
      { kind: 'signal', name: 'watch', topic: 'specs', links: { out: [{ name: 'watchers', port: 'in' }] } },
      { kind: 'session', name: 'watchers', links: { out: [{ name: 'seen', port: 'in' }] } },
      { kind: 'collect', name: 'seen' },
    ]);
    // Held open as websocket connections would be; each stores who it is, as at connect.
    const connections = ['ada', 'grace'].map((who) => {
      const connection = runtime.processes.spawn({ unbounded: true });
      runtime.table.byName('watchers')!.node.in('io')!.handle(connection, new Packet(who));
      return connection;
    });
    await store.insert([{ kind: 'nop', name: 'news' }]);
    await until(() => seen.length === 2);
    const got = seen.map((entry) => entry.payload as unknown as [string, { op: string; spec: Spec }]);
    expect(got.map(([who, change]) => `${who} ${change.op} ${change.spec.name}`)).toEqual(['ada insert news', 'grace insert news']);
    expect(seen.map((entry) => entry.process.parent)).toEqual(connections);
    await connections[0]!.exit();
    await store.delete({ name: 'news' });
    await until(() => seen.length === 3);
    expect((seen[2]!.payload as unknown as [string, { op: string }])[0]).toBe('grace');
    await connections[1]!.exit();
  });

  it('refuses a topic other than specs, naming the field', () => {
    const scheme = new Scheme({ kinds: coreKinds });
    expect(scheme.validate({ kind: 'signal', topic: 'specs' })).toEqual([]);
    const values = scheme.validate({ kind: 'signal', topic: 'values' });
    expect(values.map((problem) => [problem.path, problem.code])).toEqual([['topic', 'ERR_SPEC_INVALID']]);
    expect(values[0]!.message).toContain('values');
    expect(scheme.validate({ kind: 'signal', topic: 'weather' }).map((problem) => problem.path)).toEqual(['topic']);
    expect(scheme.validate({ kind: 'signal' }).map((problem) => problem.path)).toEqual(['topic']);
  });
});
