import type { NetworkPolicy } from '../src/index.ts';
import type { Config } from './config.ts';
import { SYSTEM_NAMESPACE } from './system-namespace.ts';

/**
 * The network policy `weft start` gives a runtime: for the system namespace (the admin API,
 * which has no authentication) listeners bind loopback unless adminBindPublic, and answer only
 * requests for loopback host names and adminHosts; other namespaces get none (no restriction).
 */
export function adminNetworkPolicy(config: Config): NetworkPolicy | undefined {
  if (config.namespace !== SYSTEM_NAMESPACE) return undefined;
  return { bind: config.adminBindPublic ? 'any' : 'loopback', allowedHosts: config.adminHosts };
}
