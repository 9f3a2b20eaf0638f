import {
  createCodecContext, createDefaultLanguages, Packet, Process, Scheme,
  type CodecContext, type CodecContextOptions, type Node, type Spec,
} from '../../src/index.ts';
import { coreKinds } from '../../schemes/core.ts';

/** A wired set of nodes: by spec name, the shared context, and a close for all of them. */
export interface Wired {
  readonly nodes: ReadonlyMap<string, Node>;
  readonly context: CodecContext;
  node<T extends Node = Node>(name: string): T;
  /** Writes one payload to `in` of the named node in a fresh process and returns the reply packet. */
  send(name: string, payload: unknown, port?: string): Promise<Packet>;
  close(): Promise<void>;
}

/**
 * A fresh codec context: the core kinds, default namespace and languages, a new process group,
 * silent logs and no syscalls; `overrides` replace any of them.
 */
export function testContext(overrides: Partial<CodecContextOptions> = {}): CodecContext {
  return createCodecContext({ scheme: new Scheme({ kinds: coreKinds }), languages: createDefaultLanguages(), ...overrides });
}

/**
 * Compiles specs with the core kinds, links each spec's `links` by target name, activates the
 * nodes downstream-first (reverse order) and returns them. Every spec needs a `name`.
 * Independent of the runtime/symbol table, so kinds are tested on their own.
 */
export async function wire(specs: readonly Spec[], context: CodecContext = testContext()): Promise<Wired> {
  const scheme = new Scheme({ kinds: coreKinds });
  const nodes = new Map<string, Node>();
  const closeAll = async (): Promise<void> => {
    for (const node of nodes.values()) await node.close();
  };
  try {
    for (const spec of specs) nodes.set(spec.name!, await scheme.compile(spec, context));
    for (const spec of specs) {
      for (const [outName, targets] of Object.entries(spec.links ?? {})) {
        for (const target of targets) {
          const to = nodes.get(target.name!)?.in(target.port);
          const from = nodes.get(spec.name!)!.out(outName);
          if (to === undefined || from === undefined) throw new Error(`cannot link ${spec.name}.${outName} → ${target.name}.${target.port}`);
          from.link(to);
        }
      }
    }
    for (const spec of [...specs].reverse()) await nodes.get(spec.name!)!.activate?.();
  } catch (error) {
    await closeAll();
    throw error;
  }
  return {
    nodes,
    context,
    node: <T extends Node>(name: string) => nodes.get(name) as T,
    send: async (name, payload, port = 'in') => {
      const process = new Process();
      const reply = await nodes.get(name)!.in(port)!.handle(process, new Packet(payload));
      await process.finish();
      return reply;
    },
    close: closeAll,
  };
}
