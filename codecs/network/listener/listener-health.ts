import type { CodecContext } from '../../../src/index.ts';

/**
 * Registers a listener (HTTP or gRPC) as the readiness contributor `listener NS/NAME`: ready
 * while its server listens, else not, naming the address it should be bound to. Returns the
 * unregister function (undefined when the engine runs no health checks).
 */
export function registerListenerHealth(context: CodecContext, name: string, server: { readonly listening: boolean }, address: string): (() => void) | undefined {
  return context.health?.register(`listener ${context.namespace}/${name}`, () =>
    server.listening ? { ok: true } : { ok: false, reason: `not listening on ${address}` });
}
