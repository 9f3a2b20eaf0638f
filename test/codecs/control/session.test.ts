import { afterEach, describe, expect, it } from 'vitest';
import { createDefaultLanguages, MemoryStore, Packet, Process, Runtime, Scheme, WeftError } from '../../../src/index.ts';
import { SessionNode } from '../../../codecs/control/session.ts';
import { coreKinds } from '../../../schemes/core.ts';
import { until, within } from '../../harness/wait.ts';
import { probe } from './test-kinds.ts';

const payloads = (reply: Packet) => reply.payload;

describe('session', () => {
  let runtime: Runtime | undefined;
  afterEach(async () => {
    await runtime?.close();
    runtime = undefined;
  });

  it('fans in out to every process holding a value, in a child of that process, as [value, input]', async () => {
    const node = new SessionNode();
    const calls = probe(node.out('out')!, (payload) => `seen ${JSON.stringify(payload)}`);
    const alice = new Process();
    const bob = new Process();
    expect(node.in('io')!.handle(alice, new Packet({ user: 'alice' }))).toBe(Packet.None);
    expect(node.in('io')!.handle(bob, new Packet({ user: 'bob' }))).toBe(Packet.None);
    const reply = await within(Promise.resolve(node.in('in')!.handle(new Process(), new Packet('ping'))));
    expect(reply.payload).toEqual(['seen [{"user":"alice"},"ping"]', 'seen [{"user":"bob"},"ping"]']);
    expect(calls.map((call) => call.process.parent)).toEqual([alice, bob]);
    await until(() => calls.every((call) => call.process.state === 'exited'));
    expect(alice.state).toBe('running');
  });

  it('drops a process’s value when it exits, replaces it on a second io, and answers None with no session', async () => {
    const node = new SessionNode();
    probe(node.out('out')!, (payload) => payload);
    const alice = new Process();
    const bob = new Process();
    node.in('io')!.handle(alice, new Packet('a1'));
    node.in('io')!.handle(bob, new Packet('b'));
    node.in('io')!.handle(alice, new Packet('a2'));
    expect(payloads(await within(Promise.resolve(node.in('in')!.handle(new Process(), new Packet(1)))))).toEqual([['a2', 1], ['b', 1]]);
    await alice.exit();
    expect(node.size).toBe(1);
    expect(payloads(await within(Promise.resolve(node.in('in')!.handle(new Process(), new Packet(2)))))).toEqual(['b', 2]);
    await bob.exit();
    expect(node.size).toBe(0);
    expect(await within(Promise.resolve(node.in('in')!.handle(new Process(), new Packet(3))))).toBe(Packet.None);
  });

  it('waits for asynchronous replies, and ends a child with the error of an error reply (which wins the merge)', async () => {
    const node = new SessionNode();
    const calls = probe(node.out('out')!, async (payload) => {
      await new Promise((resolve) => setTimeout(resolve, 10));
      const [value] = payload as [string];
      return value === 'bad' ? new Packet(new WeftError('ERR_THROWN_UNAVAILABLE', { message: 'closed' })) : value;
    });
    const good = new Process();
    const bad = new Process();
    node.in('io')!.handle(good, new Packet('good'));
    node.in('io')!.handle(bad, new Packet('bad'));
    const reply = await within(Promise.resolve(node.in('in')!.handle(new Process(), new Packet(null))));
    expect((reply.payload as WeftError).code).toBe('ERR_THROWN_UNAVAILABLE');
    await until(() => calls.every((call) => call.process.state === 'exited'));
    expect(calls[0]!.process.error).toBeUndefined();
    expect((calls[1]!.process.error as WeftError).code).toBe('ERR_THROWN_UNAVAILABLE');
  });

  it('keeps the stored values when its spec is reloaded, in a running runtime', async () => {
    const store = new MemoryStore();
    await store.insert([
      { kind: 'session', name: 'sessions', links: { out: [{ name: 'greet', port: 'in' }] } },
      { kind: 'snippet', name: 'greet', language: 'cel', code: '"hello " + self[0].user + ": " + self[1]' },
    ]);
    runtime = new Runtime({ store, scheme: new Scheme({ kinds: coreKinds }), languages: createDefaultLanguages() });
    await runtime.start();
    const node = () => runtime!.table.byName('sessions')!.node;
    const fanOut = async (payload: string) => {
      const process = runtime!.processes.spawn();
      const reply = await within(Promise.resolve(node().in('in')!.handle(process, new Packet(payload))));
      await process.finish();
      return reply;
    };
    // Long-lived processes, as websocket connections would be: each stores its session at connect.
    const connections = [runtime.processes.spawn({ unbounded: true }), runtime.processes.spawn({ unbounded: true })];
    node().in('io')!.handle(connections[0]!, new Packet({ user: 'ada' }));
    node().in('io')!.handle(connections[1]!, new Packet({ user: 'grace' }));
    const first = await fanOut('news');
    expect(first.payload).toEqual(['hello ada: news', 'hello grace: news']);
    const before = node();
    const [spec] = await store.find({ name: 'sessions' });
    await store.update([{ ...spec!, annotations: { reloaded: 'yes' } }]);
    await until(() => node() !== before);
    const second = await fanOut('again');
    expect(second.payload).toEqual(['hello ada: again', 'hello grace: again']);
    await connections[0]!.exit();
    const third = await fanOut('last');
    expect(third.payload).toBe('hello grace: last');
    await connections[1]!.exit();
  });
});
