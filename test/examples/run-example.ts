import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { createDefaultLanguages, MemoryStore, Runtime, Scheme, type Spec } from '../../src/index.ts';
import type { ListenerNode } from '../../codecs/network/listener.ts';
import { coreKinds } from '../../schemes/core.ts';

/** A running example: its runtime and the base URL of its listener. */
export interface RunningExample {
  readonly runtime: Runtime;
  readonly url: string;
  /** The memory store the example runs on (write to it to change the running workflow). */
  readonly store: MemoryStore;
  close(): Promise<void>;
}

/** The specs of an example file, with `edit` applied to each (e.g. to point paths at a temp dir). */
export function exampleSpecs(file: string, edit: (spec: Spec) => Spec = (spec) => spec): Spec[] {
  const specs = parse(readFileSync(new URL(`../../examples/${file}`, import.meta.url), 'utf8')) as Spec[];
  return specs.map(edit);
}

/** Runs specs in a runtime on a memory store, its listener moved to 127.0.0.1 and a free port. */
export async function runExample(specs: readonly Spec[]): Promise<RunningExample> {
  const store = new MemoryStore();
  await store.insert(specs.map((spec) => (spec.kind === 'listener' ? { ...spec, host: '127.0.0.1', port: 0 } : spec)));
  const runtime = new Runtime({ store, scheme: new Scheme({ kinds: coreKinds }), languages: createDefaultLanguages(), drainTimeoutMs: 2000 });
  await runtime.start();
  const listener = runtime.table.symbols.find((symbol) => symbol.spec.kind === 'listener')!.node as ListenerNode;
  return { runtime, url: `http://127.0.0.1:${listener.port}`, store, close: () => runtime.close() };
}
