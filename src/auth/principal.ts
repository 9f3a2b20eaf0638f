import type { Role } from './role.ts';

/**
 * Who made a request, once authenticated: by a weft API token (`id` is the token's id) or a
 * JWT (`id` is its `sub`), with the role it holds and, for a JWT, its verified claims. A
 * listener with `auth` gives it to the workflow as `self.auth`.
 */
export interface Principal {
  readonly method: 'token' | 'jwt';
  readonly id: string;
  /** The token's name, or the JWT's `sub` (or `name` claim when there is no `sub`). */
  readonly name: string;
  readonly role: Role;
  readonly claims?: Readonly<Record<string, unknown>>;
}
