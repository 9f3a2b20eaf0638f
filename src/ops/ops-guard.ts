import type { Authenticator } from '../auth/index.ts';
import { WeftError } from '../errors/index.ts';
import type { OpsGuard } from './ops-route.ts';

/** The OpsGuard of an Authenticator: the ops plane takes the same credentials as the admin API. */
export function opsGuard(authenticator: Authenticator): OpsGuard {
  return async (headers, role) => {
    const verdict = await authenticator.authorize(headers.authorization, role);
    return verdict instanceof WeftError ? verdict : undefined;
  };
}
