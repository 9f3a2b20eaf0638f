import type { HealthRegistry, HealthReport } from '../scheme/index.ts';
import type { OpsRoute, OpsResponse } from './ops-route.ts';

/** What `/healthz` needs to know: when the event loop last ran the heartbeat, in performance.now() ms. */
export interface Liveness {
  readonly lastBeat: number;
  /** How late the heartbeat may be before the engine counts as stuck (ms). */
  readonly maxLagMs: number;
}

/**
 * `GET /healthz` (live: the event loop ran its heartbeat lately) and `GET /readyz` (ready: every
 * contributor of the registry is ok). Both answer 200 or 503 with `{status, checks, failing}`,
 * `failing` naming the contributors that are not ok.
 */
export function healthRoutes(registry: HealthRegistry, liveness: Liveness): OpsRoute[] {
  return [
    {
      method: 'GET', path: '/healthz', role: 'read', public: true,
      handle: () => {
        const lag = performance.now() - liveness.lastBeat;
        const ok = lag <= liveness.maxLagMs;
        return answer([ok ? { name: 'event loop', ok } : { name: 'event loop', ok, reason: `heartbeat ${Math.round(lag)} ms late` }]);
      },
    },
    { method: 'GET', path: '/readyz', role: 'read', public: true, handle: () => answer(registry.check()) },
  ];
}

function answer(checks: HealthReport[]): OpsResponse {
  const failing = checks.filter((check) => !check.ok).map((check) => check.name);
  return { status: failing.length === 0 ? 200 : 503, body: { status: failing.length === 0 ? 'ok' : 'failing', checks, failing } };
}
