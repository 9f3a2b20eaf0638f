import { createDefaultLanguages, OpsPlane, Runtime, Scheme, type Spec } from '../../src/index.ts';
import { openStore } from '../../src/store/index.ts';
import { coreKinds } from '../../schemes/core.ts';
import { withHopSpans } from '../../cli/tracing/with-hop-spans.ts';

/**
 * Runs specs on a weft Runtime over a memory store for a benchmark server process: prints
 * `ready` once it serves (startServerProcess waits for it) and closes on SIGTERM. With
 * `opsPort`, the ops plane runs too (as `weft start --ops 127.0.0.1:PORT`); with `hopSpans`
 * (tracing started by the caller), node hops are spans too, composed with the ops plane's
 * observer as `weft start --otel` composes them.
 */
export async function serveSpecs(specs: readonly Spec[], options: { opsPort?: number; hopSpans?: boolean } = {}): Promise<void> {
  const store = await openStore('memory://');
  await store.insert([...specs]);
  const ops = options.opsPort === undefined ? undefined : new OpsPlane({ host: '127.0.0.1', port: options.opsPort });
  await ops?.start();
  const runtime = new Runtime({
    store, scheme: new Scheme({ kinds: coreKinds }), languages: createDefaultLanguages(),
    ...(ops === undefined ? {} : { health: ops.health }),
    ...(options.hopSpans === true ? { observer: withHopSpans(ops?.observer('default')) } : ops === undefined ? {} : { observer: ops.observer('default') }),
  });
  ops?.watch(runtime, store);
  await runtime.start();
  console.log('ready');
  process.on('SIGTERM', () => void runtime.close().then(() => ops?.close()).then(() => process.exit(0)));
}
