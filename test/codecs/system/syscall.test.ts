import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { InPort, MemoryStore, Packet, Process, Scheme, specSyscalls, WeftError, type Syscall, type SyscallTable } from '../../../src/index.ts';
import { coreKinds } from '../../../schemes/core.ts';
import { testContext, wire, type Wired } from '../../harness/wire.ts';

describe('syscall kind', () => {
  const opened: Wired[] = [];
  afterEach(async () => {
    for (const wired of opened.splice(0)) await wired.close();
  });

  async function wireCall(calls: Record<string, Syscall>, extra: object = {}): Promise<Wired> {
    const syscalls: SyscallTable = new Map(Object.entries(calls));
    const wired = await wire([{ kind: 'syscall', name: 'call', opcode: Object.keys(calls)[0]!, ...extra }], testContext({ syscalls }));
    opened.push(wired);
    return wired;
  }

  it('calls the opcode with the payload and its process, and replies the result (sync stays sync)', async () => {
    const seen: unknown[] = [];
    const wired = await wireCall({ 'test.double': (process, payload) => (seen.push(process), (payload as number) * 2) });
    const process = new Process();
    const reply = wired.node('call').in('in')!.handle(process, new Packet(21));
    expect(reply).toBeInstanceOf(Packet);
    expect((reply as Packet).payload).toBe(42);
    expect(seen).toEqual([process]);
    await process.finish();
  });

  it('awaits an async result, and turns undefined into null', async () => {
    const wired = await wireCall({ 'test.later': async (_process, payload) => `later ${String(payload)}` });
    expect((await wired.send('call', 'x')).payload).toBe('later x');
    const quiet = await wireCall({ 'test.nothing': () => undefined });
    expect((await quiet.send('call', 'x')).payload).toBeNull();
  });

  it('sends a thrown or rejected error to error, which is the reply when error is unlinked', async () => {
    const refused = new WeftError('ERR_SYSCALL_PAYLOAD', { opcode: 'test.fail', reason: 'no' });
    const wired = await wireCall({ 'test.fail': () => { throw refused; } });
    expect((await wired.send('call', 1)).payload).toBe(refused);
    const rejecting = await wireCall({ 'test.reject': () => Promise.reject(new Error('boom')) });
    const reply = (await rejecting.send('call', 1)).payload as WeftError;
    expect(reply.code).toBe('ERR_INTERNAL');
  });

  it('gives the reply of a linked error port, and the reply of out for results', async () => {
    const wired = await wireCall({ 'test.maybe': (_process, payload) => { if (payload === 'bad') throw new Error('bad'); return payload; } });
    wired.node('call').out('error')!.link(new InPort('in', (_process, packet) => new Packet({ handled: (packet.payload as Error).message })));
    wired.node('call').out('out')!.link(new InPort('in', (_process, packet) => new Packet({ got: packet.payload })));
    expect((await wired.send('call', 'bad')).payload).toEqual({ handled: 'internal error: bad' });
    expect((await wired.send('call', 'good')).payload).toEqual({ got: 'good' });
  });

  it('passes an error payload on to error without making the call', async () => {
    let calls = 0;
    const wired = await wireCall({ 'test.count': () => ++calls });
    const error = new WeftError('ERR_SPEC_INVALID', { spec: 'x', problems: 'y' });
    expect((await wired.send('call', error)).payload).toBe(error);
    expect(calls).toBe(0);
  });

  it('fails to load with ERR_OPCODE_UNKNOWN naming the field and the known opcodes', async () => {
    const syscalls: SyscallTable = new Map([['b.two', () => 2], ['a.one', () => 1]]);
    const failure = await wire([{ kind: 'syscall', name: 'call', opcode: 'c.three' }], testContext({ syscalls })).catch((thrown: unknown) => thrown);
    expect(failure).toBeInstanceOf(WeftError);
    expect((failure as WeftError).code).toBe('ERR_OPCODE_UNKNOWN');
    expect((failure as WeftError).category).toBe('invalid argument');
    // queues.stats is offered by the consumer kind to every runtime whose scheme has it.
    expect((failure as WeftError).params).toMatchObject({ opcode: 'c.three', known: 'a.one, b.two, queues.stats' });
    expect((failure as WeftError).details).toEqual([expect.objectContaining({ path: 'opcode' })]);
    const none = await wire([{ kind: 'syscall', name: 'call', opcode: 'a.one' }]).catch((thrown: unknown) => thrown);
    expect((none as WeftError).code).toBe('ERR_OPCODE_UNKNOWN');
  });

  it('refuses a spec without opcode at validation (ERR_SPEC_INVALID at path opcode)', () => {
    const problems = new Scheme({ kinds: coreKinds }).validate({ kind: 'syscall', name: 'call' });
    expect(problems).toEqual([expect.objectContaining({ path: 'opcode', code: 'ERR_SPEC_INVALID' })]);
  });

  it('runs the spec system calls of a real store: create then read', async () => {
    const store = new MemoryStore();
    const syscalls = specSyscalls({ store, scheme: new Scheme({ kinds: coreKinds }), namespace: 'system' });
    const context = testContext({ syscalls });
    const wired = await wire([
      { kind: 'syscall', name: 'create', opcode: 'specs.create' },
      { kind: 'syscall', name: 'read', opcode: 'nodes.read' },
    ], context);
    opened.push(wired);
    const name = `s-${randomUUID().slice(0, 8)}`;
    const created = (await wired.send('create', { kind: 'nop', name })).payload;
    expect(created).toMatchObject({ kind: 'nop', name, namespace: 'default', revision: 1 });
    expect(((await wired.send('read', { name })).payload as { name: string }[]).map((spec) => spec.name)).toEqual([name]);
    const refused = (await wired.send('create', null)).payload as WeftError;
    expect(refused.code).toBe('ERR_SYSCALL_PAYLOAD');
    await store.close();
  });
});
