import { Type, type Static } from '@sinclair/typebox';
import { Authenticator, JwtSchema, JwtVerifier, RoleSchema, WeftError, type CodecContext, type Principal, type Problem, type Role, type Verdict } from '../../../src/index.ts';

/** The `auth` field of a listener spec. */
export const AuthSchema = Type.Object(
  {
    tokens: Type.Optional(Type.Boolean({ description: 'Accept weft API tokens of the store (weft token create); default true.' })),
    jwt: Type.Optional(JwtSchema),
    role: Type.Optional(Type.Union([RoleSchema, Type.Literal('by-method')], {
      description: 'The role every request needs (default read); by-method: read for GET, HEAD and OPTIONS, write for the others.',
    })),
  },
  { additionalProperties: false, description: 'Requests must carry "Authorization: Bearer TOKEN"; the principal reaches the workflow as self.auth (docs/auth.md).' },
);

/** The `auth` of a spec, as written. */
export type AuthSpec = Static<typeof AuthSchema>;

/** The problems of an `auth` field beyond its schema. */
export function authProblems(spec: AuthSpec | undefined): Problem[] {
  if (spec === undefined) return [];
  const problems: Problem[] = [];
  if (spec.jwt !== undefined && (spec.jwt.secret === undefined) === (spec.jwt.jwks === undefined)) {
    problems.push({ path: 'auth.jwt', code: 'ERR_SPEC_INVALID', message: 'needs exactly one of secret and jwks' });
  }
  if (spec.tokens === false && spec.jwt === undefined) problems.push({ path: 'auth', code: 'ERR_SPEC_INVALID', message: 'accepts no credential: set tokens: true or jwt' });
  return problems;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * What a listener checks before the workflow runs: an Authenticator and the role a request
 * needs. `check` is synchronous for a remembered API token (the common case).
 */
export class ListenerAuth {
  readonly #authenticator: Authenticator;
  readonly #role: Role | 'by-method';

  constructor(authenticator: Authenticator, role: Role | 'by-method') {
    this.#authenticator = authenticator;
    this.#role = role;
  }

  /** The listener's auth from its spec, or from the runtime's network policy when the spec has none. */
  static of(spec: AuthSpec | undefined, context: CodecContext, name: string): ListenerAuth | undefined {
    if (spec === undefined) return context.network?.auth === undefined ? undefined : new ListenerAuth(context.network.auth, 'by-method');
    const useTokens = spec.tokens !== false;
    if (useTokens && context.tokens === undefined && spec.jwt === undefined) {
      throw new WeftError('ERR_SPEC_INVALID', { spec: name, problems: 'auth.tokens: this store keeps no API tokens; configure auth.jwt' });
    }
    const authenticator = new Authenticator({ tokens: useTokens ? context.tokens : undefined, jwt: spec.jwt === undefined ? undefined : new JwtVerifier(spec.jwt) });
    return new ListenerAuth(authenticator, spec.role ?? 'read');
  }

  /** The principal of a request with this method and Authorization header, or the error to answer. */
  check(method: string, authorization: string | undefined): Verdict | Promise<Verdict> {
    const needed: Role = this.#role === 'by-method' ? (SAFE_METHODS.has(method) ? 'read' : 'write') : this.#role;
    return this.#authenticator.authorize(authorization, needed);
  }
}

/** The `self.auth` a workflow sees: who the request is from, never the credential itself. */
export function authView(principal: Principal): Record<string, unknown> {
  return { method: principal.method, id: principal.id, name: principal.name, role: principal.role, ...(principal.claims === undefined ? {} : { claims: principal.claims }) };
}

/** The WWW-Authenticate value of a 401 (RFC 6750). */
export function challenge(error: WeftError, sentCredentials: boolean): string {
  return sentCredentials && error.code === 'ERR_AUTH_REQUIRED' ? 'Bearer error="invalid_token"' : 'Bearer';
}
