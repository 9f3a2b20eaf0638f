import { randomBytes } from 'node:crypto';
import { EngineRegistry, isValueStore, type EngineHeartbeat, type Logger, type Runtime, type SpecStore } from '../src/index.ts';

/** What `weft start` registers: its runtime (readiness), namespace and ops plane URL. */
export interface EngineRegistrationOptions {
  readonly store: SpecStore;
  readonly runtime: Runtime;
  readonly ops?: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly logger: Logger;
}

/**
 * Registers a started engine in its store's registry (`weft ps` lists it) under WEFT_ENGINE_ID
 * (`weft up` sets it per replica, so a restarted replica replaces its record) or a random id.
 * Nothing when the store keeps no values. A heartbeat that fails is logged at most every 30 s.
 */
export async function registerEngine(options: EngineRegistrationOptions): Promise<EngineHeartbeat | undefined> {
  if (!isValueStore(options.store)) return undefined;
  const { runtime, logger } = options;
  let warnedAt = 0;
  const registry = new EngineRegistry(options.store, {
    onError: (error) => {
      if (Date.now() - warnedAt < 30_000) return;
      warnedAt = Date.now();
      logger.warn({ err: (error as Error).message }, 'engine heartbeat not written; retrying');
    },
  });
  const id = options.env.WEFT_ENGINE_ID ?? `${runtime.namespace}-${randomBytes(4).toString('hex')}`;
  const heartbeat = await registry.register({ id, namespace: runtime.namespace, ops: options.ops, ready: () => runtime.ready });
  logger.debug({ engine: id }, 'engine registered');
  return heartbeat;
}
