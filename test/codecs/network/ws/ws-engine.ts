import { createDefaultLanguages, Packet, Process, Runtime, Scheme, type Spec, type SpecStore, type StoredSpec } from '../../../../src/index.ts';
import { openStore } from '../../../../src/store/index.ts';
import type { ListenerNode } from '../../../../codecs/network/listener.ts';
import { coreKinds } from '../../../../schemes/core.ts';

/** One engine: a runtime on its own memory store, serving specs whose listener binds a free loopback port. */
export interface Engine {
  readonly runtime: Runtime;
  readonly store: SpecStore;
  readonly stored: StoredSpec[];
  /** ws://127.0.0.1:PORT */
  readonly url: string;
  node<T>(name: string): T;
  /** Writes a payload to `in` of a named node in a fresh process, as another workflow would. */
  call(name: string, payload: unknown): Promise<unknown>;
  close(): Promise<void>;
}

export async function startEngine(specs: readonly Spec[]): Promise<Engine> {
  const store = await openStore('memory://');
  const stored = await store.insert(specs.map((spec) => (spec.kind === 'listener' ? { ...spec, host: '127.0.0.1', port: 0 } : spec)));
  const runtime = new Runtime({ store, scheme: new Scheme({ kinds: coreKinds }), languages: createDefaultLanguages(), drainTimeoutMs: 2000 });
  await runtime.start();
  const node = <T>(name: string): T => runtime.table.byName(name)!.node as T;
  const port = node<ListenerNode>(specs.find((spec) => spec.kind === 'listener')!.name!).port!;
  return {
    runtime, store, stored, url: `ws://127.0.0.1:${port}`, node,
    call: async (name, payload) => {
      const process = new Process();
      const reply = await node<{ in(port: string): { handle(process: Process, packet: Packet): Packet | Promise<Packet> } }>(name).in('in').handle(process, new Packet(payload));
      await process.finish();
      return reply.payload;
    },
    close: () => runtime.close(),
  };
}
