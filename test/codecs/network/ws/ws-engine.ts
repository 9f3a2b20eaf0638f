import { createDefaultLanguages, Packet, Process, Runtime, Scheme, type Spec, type SpecStore, type StoredSpec } from '../../../../src/index.ts';
import { openStore } from '../../../../src/store/index.ts';
import WebSocket from 'ws';
import type { ListenerNode } from '../../../../codecs/network/listener.ts';
import { coreKinds } from '../../../../schemes/core.ts';
import { echoFlow } from './ws-flow.ts';

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

/** The echo flow, plus: the open event answers the connection its id; a send node for other workflows. */
export function engineFlow(upgrader: Record<string, unknown> = {}): Spec[] {
  const flow = echoFlow(upgrader, [
    { kind: 'snippet', name: 'hello', language: 'cel', code: '{"id": self.connection}', links: { out: [{ name: 'ws', port: 'in' }] } },
    { kind: 'send', name: 'send' },
  ]);
  const frames = flow.find((spec) => spec.name === 'frames')!;
  frames.kind = 'switch';
  delete frames.when;
  frames.matches = [{ when: 'self.type == 0', port: 'out[1]' }, { when: 'self.type == 1 || self.type == 2', port: 'out[0]' }];
  frames.links = { 'out[0]': [{ name: 'echo', port: 'in' }], 'out[1]': [{ name: 'hello', port: 'in' }] };
  return flow;
}

/** Connects and reads the connection id the engine answers on open. */
export function open(url: string, options: WebSocket.ClientOptions = {}): Promise<{ socket: WebSocket; id: string }> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(`${url}/ws`, options);
    const timer = setTimeout(() => reject(new Error('no hello within 10 s')), 10_000);
    // Listening before 'open': the hello can arrive in the same packet as the handshake.
    socket.once('message', (data: Buffer) => {
      clearTimeout(timer);
      resolve({ socket, id: (JSON.parse(data.toString('utf8')) as { id: string }).id });
    });
    socket.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

