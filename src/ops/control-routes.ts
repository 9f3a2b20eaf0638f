import { WeftError } from '../errors/index.ts';
import { inject } from './control/inject.ts';
import { namespaceStatus } from './control/namespace-status.ts';
import { runtimeScope, type RuntimeSource } from './control/runtime-scope.ts';
import type { OpsRoute } from './ops-route.ts';

/**
 * The control routes of the ops plane for the runtimes an engine runs (one per namespace; or a
 * function returning them, for an ops plane that starts before its runtime does):
 * - `POST /v1/namespaces/:namespace/pause` and `…/resume` (role write): answer the status
 *   after the change, with `changed` false when it was in that state already;
 * - `GET /v1/namespaces/:namespace/status` (role read): `NamespaceStatus`;
 * - `POST /v1/nodes/:namespace/:name/inject` (role write) with `{port, value}`: `InjectResult`.
 * A namespace no runtime here runs answers 404 ERR_NAMESPACE_NOT_RUN; every failure is a coded
 * error response (see `errorResponse`), never a throw.
 */
export function controlRoutes(runtimes: RuntimeSource): OpsRoute[] {
  const scoped = runtimeScope(runtimes);
  const toggle = (pause: boolean) => scoped((runtime) => {
    if (runtime.state !== 'running' && runtime.state !== 'starting') throw new WeftError('ERR_SHUTTING_DOWN');
    const changed = pause ? runtime.pause() : runtime.resume();
    return { status: 200, body: { ...namespaceStatus(runtime), changed } };
  });
  return [
    { method: 'POST', path: '/v1/namespaces/:namespace/pause', role: 'write', handle: toggle(true) },
    { method: 'POST', path: '/v1/namespaces/:namespace/resume', role: 'write', handle: toggle(false) },
    { method: 'GET', path: '/v1/namespaces/:namespace/status', role: 'read', handle: scoped((runtime) => ({ status: 200, body: namespaceStatus(runtime) })) },
    {
      method: 'POST', path: '/v1/nodes/:namespace/:name/inject', role: 'write',
      handle: scoped(async (runtime, request) => ({ status: 200, body: await inject(runtime, request.params.name ?? '', request.body) })),
    },
  ];
}
