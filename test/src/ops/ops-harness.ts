import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { WebSocket } from 'ws';
import { createDefaultLanguages, OpsPlane, Runtime, Scheme, type OpsPlaneOptions, type Spec, type SpecStore } from '../../../src/index.ts';
import type { ListenerNode } from '../../../codecs/network/listener.ts';
import { openStore } from '../../../src/store/index.ts';
import { coreKinds } from '../../../schemes/core.ts';

/** A runtime with the ops plane on (as `weft start --ops`), both on free loopback ports. */
export interface OpsEngine {
  readonly plane: OpsPlane;
  readonly runtime: Runtime;
  readonly store: SpecStore;
  /** `http://127.0.0.1:PORT` of the ops plane. */
  readonly ops: string;
  /** `http://127.0.0.1:PORT` of the listener called `listener`. */
  readonly app: string;
  close(): Promise<void>;
}

/** The specs of examples/ping.yaml with the listener on a free loopback port. */
export function pingSpecs(): Spec[] {
  const specs = parse(readFileSync(new URL('../../../examples/ping.yaml', import.meta.url), 'utf8')) as Spec[];
  return specs.map((spec) => (spec.kind === 'listener' ? { ...spec, host: '127.0.0.1', port: 0 } : spec));
}

/** Starts specs on a runtime (memory store unless one is given) with an OpsPlane attached. */
export async function startOpsEngine(specs: readonly Spec[], options: { store?: SpecStore; namespace?: string; plane?: Partial<OpsPlaneOptions> } = {}): Promise<OpsEngine> {
  const namespace = options.namespace ?? 'default';
  const store = options.store ?? (await openStore('memory://'));
  await store.insert(specs.map((spec) => ({ ...spec, namespace })));
  const plane = new OpsPlane({ host: '127.0.0.1', port: 0, ...options.plane });
  const address = await plane.start();
  const runtime = new Runtime({ store, namespace, scheme: new Scheme({ kinds: coreKinds }), languages: createDefaultLanguages(), observer: plane.observer(namespace), health: plane.health });
  const unwatch = plane.watch(runtime, store);
  await runtime.start();
  const listener = runtime.table.byName('listener')?.node as ListenerNode | undefined;
  return {
    plane,
    runtime,
    store,
    ops: `http://127.0.0.1:${address.port}`,
    app: `http://127.0.0.1:${listener?.port ?? 0}`,
    close: async () => {
      unwatch();
      await runtime.close();
      await plane.close();
    },
  };
}

/** GET with a bounded wait: status and text. */
export async function get(url: string, headers: Record<string, string> = {}): Promise<{ status: number; text: string; type: string | null }> {
  const response = await fetch(url, { headers, signal: AbortSignal.timeout(5000) });
  return { status: response.status, text: await response.text(), type: response.headers.get('content-type') };
}

/** A WebSocket client of /v1/events that keeps every message it gets. */
export interface EventClient {
  readonly socket: WebSocket;
  readonly messages: Record<string, unknown>[];
  send(message: unknown): void;
  /** Resolves with the messages once `check` holds for them; rejects after `ms`. */
  until(check: (messages: Record<string, unknown>[]) => boolean, ms?: number): Promise<Record<string, unknown>[]>;
  close(): void;
}

export async function connectEvents(ops: string, headers: Record<string, string> = {}): Promise<EventClient> {
  const socket = new WebSocket(`${ops.replace('http', 'ws')}/v1/events`, { headers });
  const messages: Record<string, unknown>[] = [];
  socket.on('message', (data: Buffer) => messages.push(JSON.parse(data.toString('utf8')) as Record<string, unknown>));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no WebSocket open within 5 s')), 5000);
    socket.once('open', () => (clearTimeout(timer), resolve()));
    socket.once('error', (error) => (clearTimeout(timer), reject(error)));
  });
  return {
    socket,
    messages,
    send: (message) => socket.send(JSON.stringify(message)),
    until: async (check, ms = 5000) => {
      const deadline = Date.now() + ms;
      while (!check(messages)) {
        if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms; got ${JSON.stringify(messages).slice(0, 2000)}`);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      return messages;
    },
    close: () => socket.terminate(),
  };
}
