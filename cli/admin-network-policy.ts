import type { Authenticator, NetworkPolicy } from '../src/index.ts';
import type { Config } from './config.ts';
import { SYSTEM_NAMESPACE } from './system-namespace.ts';

/**
 * The network policy `weft start` gives a runtime: for the system namespace (the admin API)
 * listeners bind loopback unless adminBindPublic, answer only requests for loopback host names
 * and adminHosts, and require credentials `auth` accepts (read for GET, write otherwise) unless
 * it is undefined (--insecure); other namespaces get none (no restriction).
 */
export function adminNetworkPolicy(config: Config, auth?: Authenticator): NetworkPolicy | undefined {
  if (config.namespace !== SYSTEM_NAMESPACE) return undefined;
  return { bind: config.adminBindPublic ? 'any' : 'loopback', allowedHosts: config.adminHosts, ...(auth === undefined ? {} : { auth }) };
}
