import type { Registry } from 'prom-client';
import type { OpsMetrics } from './ops-metrics.ts';
import type { OpsRoute } from './ops-route.ts';

/** `GET /metrics` (Prometheus text from the registry `registry` resolves to) and `GET /v1/metrics` (seed 004's JSON, `?namespace=` to pick one). */
export function metricsRoutes(metrics: OpsMetrics, registry: () => Promise<Registry>): OpsRoute[] {
  return [
    {
      method: 'GET', path: '/metrics', role: 'read',
      handle: async () => {
        const prometheus = await registry();
        return { status: 200, contentType: prometheus.contentType, body: await prometheus.metrics() };
      },
    },
    {
      method: 'GET', path: '/v1/metrics', role: 'read',
      handle: (request) => ({ status: 200, body: { namespaces: metrics.snapshot(request.query.get('namespace') ?? undefined) } }),
    },
  ];
}
