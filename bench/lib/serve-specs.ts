import { createDefaultLanguages, Runtime, Scheme, type Spec } from '../../src/index.ts';
import { openStore } from '../../src/store/index.ts';
import { coreKinds } from '../../schemes/core.ts';

/**
 * Runs specs on a weft Runtime over a memory store for a benchmark server process: prints
 * `ready` once it serves (startServerProcess waits for it) and closes on SIGTERM.
 */
export async function serveSpecs(specs: readonly Spec[]): Promise<void> {
  const store = await openStore('memory://');
  await store.insert([...specs]);
  const runtime = new Runtime({ store, scheme: new Scheme({ kinds: coreKinds }), languages: createDefaultLanguages() });
  await runtime.start();
  console.log('ready');
  process.on('SIGTERM', () => void runtime.close().then(() => process.exit(0)));
}
