import type { SpecStore } from '../../src/index.ts';
import { aSpec, unique, type ConformanceContext } from './conformance-context.ts';

/** A second writer for the tests of the store under test. */
export interface Peer {
  /** Another store on the same backend when stores share one, else the store under test itself. */
  readonly writer: SpecStore;
  /** True when `writer` is another store whose writes the store under test sees. */
  readonly shared: boolean;
  close(): Promise<void>;
}

/**
 * Opens another store with `context.open` and finds out whether it shares the backend (a
 * database does, `memory://` does not) by writing through one and reading through the other.
 */
export async function openPeer(context: ConformanceContext): Promise<Peer> {
  const other = await context.open();
  // The probe lives in a namespace of its own, so it shows in no stream of the test.
  const [probe] = await context.store.insert([aSpec({ namespace: unique('probe') })]);
  const shared = (await other.find({ id: probe!.id })).length === 1;
  await context.store.delete({ id: probe!.id });
  if (!shared) await other.close();
  return { writer: shared ? other : context.store, shared, close: async () => (shared ? other.close() : undefined) };
}
