import { afterEach, describe, expect, it } from 'vitest';
import { createDefaultLanguages, MemoryStore, Runtime, Scheme, type Spec } from '../../../src/index.ts';
import { coreKinds } from '../../../schemes/core.ts';
import { recorder, recordKind, waitFor, type Recorder } from '../queue/queue-harness.ts';

const open: Runtime[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((runtime) => runtime.close()));
});

async function engine(store: MemoryStore, specs: Spec[]): Promise<{ runtime: Runtime; found: Recorder }> {
  const found = recorder();
  await store.upsert(specs);
  const runtime = new Runtime({ store, scheme: new Scheme({ kinds: [...coreKinds, recordKind(new Map([['seen', found]]))] }), languages: createDefaultLanguages(), drainTimeoutMs: 3000 });
  await runtime.start();
  open.push(runtime);
  return { runtime, found };
}

describe('schedule and signal sources while the namespace is paused', () => {
  it('a schedule fires no tick while paused and fires again after resume', async () => {
    const { runtime, found } = await engine(new MemoryStore(), [
      { kind: 'schedule', name: 'tick', interval: '100ms', links: { out: [{ name: 'record', port: 'in' }] } },
      { kind: 'record', name: 'record', key: 'seen' },
    ]);
    await waitFor(() => found.payloads.length >= 2, 3000, 'two ticks');
    runtime.pause();
    await waitFor(() => runtime.processes.size === 0, 2000, 'the running tick to end');
    const before = found.payloads.length;
    await new Promise((resolve) => setTimeout(resolve, 450));
    expect(found.payloads.length).toBe(before);
    runtime.resume();
    await waitFor(() => found.payloads.length >= before + 2, 3000, 'ticks after resume');
  });

  it('a signal holds the spec changes made while paused and emits them in order after resume', async () => {
    const store = new MemoryStore();
    const { runtime, found } = await engine(store, [
      { kind: 'signal', name: 'changes', topic: 'specs', links: { out: [{ name: 'record', port: 'in' }] } },
      { kind: 'record', name: 'record', key: 'seen' },
    ]);
    runtime.pause();
    for (const name of ['a', 'b', 'c']) await store.upsert([{ kind: 'snippet', name, language: 'text', code: name }]);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(found.payloads).toEqual([]);
    runtime.resume();
    await waitFor(() => found.payloads.length === 3, 3000, 'three signals');
    expect(found.payloads.map((payload) => (payload.spec as { name: string }).name)).toEqual(['a', 'b', 'c']);
  });
});
