/**
 * What a credential may do on the admin API and the ops plane: `read` looks, `write` changes
 * specs, values and namespace state (pause, resume, inject), `admin` also manages tokens.
 * Each role includes the ones before it.
 */
export type Role = 'read' | 'write' | 'admin';

/** The roles in order of power. */
export const ROLES: readonly Role[] = ['read', 'write', 'admin'];

/** True when a credential holding `held` may do what needs `needed`. */
export function roleAllows(held: Role, needed: Role): boolean {
  return ROLES.indexOf(held) >= ROLES.indexOf(needed);
}
