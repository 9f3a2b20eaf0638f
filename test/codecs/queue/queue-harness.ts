import { randomUUID } from 'node:crypto';
import { Type } from '@sinclair/typebox';
import {
  createDefaultLanguages, defineKind, MemoryStore, OneToOneNode, Packet, Process, Runtime, Scheme, WeftError,
  type CodecContext, type Logger, type Spec, type SpecStore,
} from '../../../src/index.ts';
import { queueRuntime } from '../../../codecs/queue/queue-runtime.ts';
import { coreKinds } from '../../../schemes/core.ts';
import { openBroker } from '../../../codecs/queue/brokers/open-broker.ts';
import type { Broker } from '../../../codecs/queue/brokers/broker.ts';
import { encodeBody, HEADER } from '../../../codecs/queue/message.ts';

/** What a `record` node saw: every payload, in order, and how often each message id came. */
export interface Recorder {
  readonly payloads: Record<string, unknown>[];
  readonly seen: Map<string, number>;
  /** Decides the reply: true fails the message. */
  fail: (payload: Record<string, unknown>) => boolean;
  /** Payloads being handled now (with `ms`), and the most at once. */
  active: number;
  maxActive: number;
}

/** A recorder that fails nothing. */
export function recorder(): Recorder {
  return { payloads: [], seen: new Map(), fail: () => false, active: 0, maxActive: 0 };
}

/**
 * `record`: keeps each payload in the recorder named by `key` (its id from `payload.id`) and
 * replies it, or an ERR_INTERNAL error when the recorder's `fail` says so.
 */
export function recordKind(recorders: ReadonlyMap<string, Recorder>) {
  return defineKind({
    kind: 'record',
    description: 'records payloads (tests)',
    schema: Type.Object({ key: Type.String(), ms: Type.Optional(Type.Integer({ minimum: 1 })) }),
    ports: { in: ['in'], out: ['out', 'error'] },
    codec: (spec) => new OneToOneNode((_process, packet) => {
      const found = recorders.get(spec.key)!;
      const payload = packet.payload as Record<string, unknown>;
      found.payloads.push(payload);
      const id = String(payload.id);
      found.seen.set(id, (found.seen.get(id) ?? 0) + 1);
      const reply = (): Packet => (found.fail(payload) ? new Packet(new WeftError('ERR_INTERNAL', { reason: `fails ${id}` })) : packet);
      if (spec.ms === undefined) return reply();
      found.active++;
      found.maxActive = Math.max(found.maxActive, found.active);
      return new Promise<Packet>((resolve) => setTimeout(() => {
        found.active--;
        resolve(reply());
      }, spec.ms));
    }),
  });
}

/** A runtime on a memory store with the core kinds and `record`. */
export interface QueueRuntimeHarness {
  readonly runtime: Runtime;
  readonly store: SpecStore;
  readonly recorders: Map<string, Recorder>;
  close(): Promise<void>;
}

/** Starts a runtime whose store holds `specs`; `recorders` serve its `record` nodes. */
export async function startRuntime(specs: readonly Spec[], recorders: Map<string, Recorder>, options: { logger?: Logger; drainTimeoutMs?: number } = {}): Promise<QueueRuntimeHarness> {
  const store = new MemoryStore();
  const scheme = new Scheme({ kinds: [...coreKinds, recordKind(recorders)] });
  if (specs.length > 0) await store.insert(specs.map((spec) => ({ namespace: 'default', ...spec })));
  const runtime = new Runtime({ store, scheme, languages: createDefaultLanguages(), logger: options.logger, drainTimeoutMs: options.drainTimeoutMs ?? 5000 });
  await runtime.start();
  return { runtime, store, recorders, close: () => runtime.close() };
}

/** A queue name no other test run uses. */
export function uniqueQueue(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

/** Publishes `count` JSON messages `{n}` (n = 0…count-1) straight through the broker adapter, returning their ids. */
export async function publishMany(broker: Broker, queue: string, count: number, from = 0): Promise<string[]> {
  const ids: string[] = [];
  const chunk = 200;
  for (let start = from; start < from + count; start += chunk) {
    const sends: Promise<string>[] = [];
    for (let n = start; n < Math.min(from + count, start + chunk); n++) {
      const id = `m${n}`;
      ids.push(id);
      const { body, contentType } = encodeBody({ n });
      sends.push(broker.publish(queue, { body, headers: { [HEADER.id]: id, [HEADER.contentType]: contentType } }));
    }
    await Promise.all(sends);
  }
  return ids;
}

/** Opens a broker connection of the test's own (not the runtime's). */
export function testBroker(url: string): Promise<Broker> {
  return openBroker(url);
}

/** Polls `check` every 20 ms until true; fails after `ms` with `what` and the last `detail()`. */
export async function waitFor(check: () => boolean, ms: number, what: string, detail: () => unknown = () => ''): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what} (${JSON.stringify(detail())})`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * A broker for the test to publish and read with: for `memory://` the runtime's own (its queues
 * live in it), else a connection of the test's own. `release` closes what was opened.
 */
export async function brokerFor(runtime: Runtime, url: string): Promise<{ broker: Broker; release: () => Promise<void> }> {
  if (url.startsWith('memory://')) {
    const lease = queueRuntime({ processes: runtime.processes, namespace: runtime.namespace } as CodecContext).pool.acquire(url);
    return { broker: await lease.broker(), release: () => lease.release() };
  }
  const broker = await openBroker(url);
  return { broker, release: () => broker.close() };
}

/** The brokers every queue suite runs against, with the service each needs (none for memory). */
export const BROKERS = [
  { name: 'memory', service: undefined, url: () => `memory://${randomUUID().slice(0, 8)}` },
  { name: 'redis', service: 'redis', url: (found: string) => found },
  { name: 'nats', service: 'nats', url: (found: string) => found },
  { name: 'rabbitmq', service: 'rabbitmq', url: (found: string) => found },
  { name: 'mqtt', service: 'mqtt', url: (found: string) => found },
] as const;

/** Waits until the named consumer nodes of a runtime are consuming (subscribed). */
export async function consuming(runtime: Runtime, names: readonly string[], ms = 10_000): Promise<void> {
  await waitFor(() => names.every((name) => (runtime.table.byName(name)?.node as { state?: string } | undefined)?.state === 'consuming'), ms, `consumers ${names.join(', ')}`);
}

/** Calls a system call through a `syscall` node named `name` of the runtime. */
export async function callNode(runtime: Runtime, name: string, payload: unknown): Promise<unknown> {
  const process = new Process();
  const reply = await runtime.table.byName(name)!.node.in('in')!.handle(process, new Packet(payload));
  await process.finish();
  return reply.payload;
}
