import type * as JoseModule from 'jose';
import { WeftError } from '../errors/index.ts';
import type { Principal } from './principal.ts';
import { ROLES, type Role } from './role.ts';
import type { Verdict } from './token-verifier.ts';

/** How JWT bearer tokens are verified: by a shared secret (HS256/384/512) or a JWKS URL, exactly one. */
export interface JwtOptions {
  readonly secret?: string;
  readonly jwks?: string;
  readonly issuer?: string;
  readonly audience?: string | readonly string[];
  /** The claim that holds the role (a role name, or a list of them: the highest counts); default `role`. */
  readonly roleClaim?: string;
  /** The role of a token without the claim; default none (such a token is refused). */
  readonly defaultRole?: Role;
  /** Accepted algorithms; default HS256/384/512 with a secret, RS/PS/ES/EdDSA with a JWKS. */
  readonly algorithms?: readonly string[];
  /** Allowed clock skew in seconds for exp/nbf (default 5). */
  readonly clockToleranceSeconds?: number;
}

type Jose = typeof JoseModule;
type Key = Parameters<Jose['jwtVerify']>[1];

/** jose's error codes a client can cause, and what to tell it. */
const REASONS: Readonly<Record<string, string>> = {
  ERR_JWT_EXPIRED: 'the JWT has expired',
  ERR_JWT_CLAIM_VALIDATION_FAILED: 'a claim of the JWT is not accepted',
  ERR_JWS_SIGNATURE_VERIFICATION_FAILED: 'the JWT signature does not verify',
  ERR_JWS_INVALID: 'the JWT is malformed',
  ERR_JWT_INVALID: 'the JWT is malformed',
  ERR_JOSE_ALG_NOT_ALLOWED: 'the JWT algorithm is not accepted',
  ERR_JWKS_NO_MATCHING_KEY: 'no key of the JWKS matches the JWT',
  ERR_JWKS_MULTIPLE_MATCHING_KEYS: 'several keys of the JWKS match the JWT',
  ERR_JOSE_NOT_SUPPORTED: 'the JWT uses an unsupported algorithm or key',
};

/**
 * Verifies JWT bearer tokens with jose (loaded on first use): signature, exp/nbf, and issuer and
 * audience when given; the role comes from `roleClaim`. A JWKS is fetched and cached by jose
 * (refetched for an unknown key id). A JWKS that cannot be fetched gives ERR_AUTH_UNAVAILABLE.
 */
export class JwtVerifier {
  readonly #options: JwtOptions;
  #key: Promise<{ jose: Jose; key: Key }> | undefined;

  constructor(options: JwtOptions) {
    if ((options.secret === undefined) === (options.jwks === undefined)) throw new WeftError('ERR_INTERNAL', { reason: 'JwtVerifier needs exactly one of secret and jwks' });
    this.#options = options;
  }

  /** The principal of a JWT, or why it is refused. */
  async verify(token: string): Promise<Verdict> {
    const options = this.#options;
    const { jose, key } = await (this.#key ??= this.#load());
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jose.jwtVerify(token, key, {
        issuer: options.issuer,
        audience: options.audience === undefined ? undefined : typeof options.audience === 'string' ? options.audience : [...options.audience],
        algorithms: [...(options.algorithms ?? (options.secret !== undefined ? ['HS256', 'HS384', 'HS512'] : ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA']))],
        clockTolerance: options.clockToleranceSeconds ?? 5,
      }));
    } catch (thrown) {
      const code = (thrown as { code?: unknown }).code;
      const reason = typeof code === 'string' ? REASONS[code] : undefined;
      if (reason !== undefined) return new WeftError('ERR_AUTH_REQUIRED', { reason });
      return new WeftError('ERR_AUTH_UNAVAILABLE', { reason: `the JWT could not be checked: ${(thrown as Error)?.message ?? String(thrown)}` });
    }
    const role = roleOf(payload[options.roleClaim ?? 'role']) ?? options.defaultRole;
    if (role === undefined) return new WeftError('ERR_AUTH_REQUIRED', { reason: `the JWT has no role in claim "${options.roleClaim ?? 'role'}"` });
    const subject = typeof payload.sub === 'string' ? payload.sub : typeof payload.name === 'string' ? payload.name : 'jwt';
    const principal: Principal = { method: 'jwt', id: subject, name: subject, role, claims: payload };
    return principal;
  }

  async #load(): Promise<{ jose: Jose; key: Key }> {
    const jose = await import('jose');
    const options = this.#options;
    const key: Key = options.secret !== undefined ? new TextEncoder().encode(options.secret) : jose.createRemoteJWKSet(new URL(options.jwks!));
    return { jose, key };
  }
}

/** The highest role named by a claim value (a role, or a list or space-separated string of them). */
function roleOf(claim: unknown): Role | undefined {
  const names = Array.isArray(claim) ? claim : typeof claim === 'string' ? claim.split(/\s+/) : [];
  let best: Role | undefined;
  for (const name of names) {
    if (typeof name !== 'string') continue;
    const role = ROLES.find((candidate) => candidate === name);
    if (role !== undefined && (best === undefined || ROLES.indexOf(role) > ROLES.indexOf(best))) best = role;
  }
  return best;
}
