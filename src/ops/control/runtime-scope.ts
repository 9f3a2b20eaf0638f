import { WeftError } from '../../errors/index.ts';
import type { Runtime } from '../../runtime/index.ts';
import type { OpsRequest, OpsResponse } from '../ops-route.ts';
import { errorResponse } from './error-response.ts';

/** The runtimes an engine runs: one, a list, or a function returning them (for a plane that starts before its runtime). */
export type RuntimeSource = Runtime | readonly Runtime[] | (() => readonly Runtime[]);

/** The runtimes of a RuntimeSource now. */
export function runtimesOf(source: RuntimeSource): readonly Runtime[] {
  if (typeof source === 'function') return source();
  return Array.isArray(source) ? source : [source as Runtime];
}

/**
 * A route handler for the runtime of the request's `:namespace`: 404 ERR_NAMESPACE_NOT_RUN when
 * no runtime here runs it; what `handle` throws becomes a coded error response.
 */
export function runtimeScope(source: RuntimeSource) {
  return (handle: (runtime: Runtime, request: OpsRequest) => OpsResponse | Promise<OpsResponse>) => async (request: OpsRequest): Promise<OpsResponse> => {
    const namespace = request.params.namespace ?? '';
    const list = runtimesOf(source);
    const runtime = list.find((candidate) => candidate.namespace === namespace);
    if (runtime === undefined) {
      return errorResponse(new WeftError('ERR_NAMESPACE_NOT_RUN', { namespace, running: list.map((candidate) => candidate.namespace).join(', ') || 'none' }));
    }
    try {
      return await handle(runtime, request);
    } catch (thrown) {
      return errorResponse(thrown);
    }
  };
}
