import { Type } from '@sinclair/typebox';
import {
  defineKind, InPort, OneToOneNode, Packet, Scheme,
  type CodecContext, type Handler, type KindDefinition, type Node, type OutPort, type Process,
} from '../../../src/index.ts';
import { coreKinds } from '../../../schemes/core.ts';
import { testContext } from '../../harness/wire.ts';

/** `append`: replies `String(input) + suffix`, synchronously (shows the order steps ran in). */
export const appendKind = defineKind({
  kind: 'append',
  description: 'appends a suffix to its input',
  schema: Type.Object({ suffix: Type.String() }),
  ports: { in: ['in'], out: ['out', 'error'] },
  codec: (spec) => new OneToOneNode((_process, packet) => new Packet(`${String(packet.payload)}${spec.suffix}`)),
});

/** `later`: replies `String(input) + suffix` after a timer of `ms` (an asynchronous step). */
export const laterKind = defineKind({
  kind: 'later',
  description: 'appends a suffix after a delay',
  schema: Type.Object({ suffix: Type.String(), ms: Type.Integer({ minimum: 0 }) }),
  ports: { in: ['in'], out: ['out', 'error'] },
  codec: (spec) => new OneToOneNode(async (_process, packet) => {
    await new Promise((resolve) => setTimeout(resolve, spec.ms));
    return new Packet(`${String(packet.payload)}${spec.suffix}`);
  }),
});

/** A `lifecycle` kind that records activate/deactivate/close and each packet into `log`, as `event:tag`. */
export function lifecycleKind(log: string[]): KindDefinition {
  return defineKind({
    kind: 'lifecycle',
    description: 'records its lifecycle',
    schema: Type.Object({ tag: Type.String() }),
    ports: { in: ['in'], out: ['out', 'error'] },
    codec: (spec): Node => {
      const node = new OneToOneNode((_process, packet) => {
        log.push(`packet:${spec.tag}`);
        return packet;
      });
      return Object.assign(node, {
        activate: () => void log.push(`activate:${spec.tag}`),
        deactivate: () => void log.push(`deactivate:${spec.tag}`),
        close: () => {
          log.push(`close:${spec.tag}`);
          node.inPort.close();
        },
      });
    },
  });
}

/** A codec context whose scheme knows the core kinds plus `extra` (for block steps). */
export function contextWith(...extra: KindDefinition[]): CodecContext {
  return testContext({ scheme: new Scheme({ kinds: [...coreKinds, ...extra] }) });
}

/** Links `port` to a test in-port calling `handler`; returns the handler's calls (process, payload). */
export function probe(port: OutPort, handler: (payload: unknown, process: Process) => unknown = (payload) => payload): { process: Process; payload: unknown }[] {
  const calls: { process: Process; payload: unknown }[] = [];
  const handle: Handler = (process, packet) => {
    calls.push({ process, payload: packet.payload });
    const result = handler(packet.payload, process);
    if (result instanceof Packet) return result;
    if (result instanceof Promise) return result.then((value: unknown) => (value instanceof Packet ? value : new Packet(value)));
    return new Packet(result);
  };
  port.link(new InPort('in', handle));
  return calls;
}
