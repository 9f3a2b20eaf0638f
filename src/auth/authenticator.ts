import { WeftError } from '../errors/index.ts';
import { TOKEN_PREFIX } from './api-token.ts';
import type { JwtVerifier } from './jwt-verifier.ts';
import { roleAllows, type Role } from './role.ts';
import type { TokenVerifier, Verdict } from './token-verifier.ts';

/** The credentials an Authenticator accepts; at least one. */
export interface AuthenticatorOptions {
  /** weft API tokens from the store. */
  readonly tokens?: TokenVerifier;
  /** JWT bearer tokens. */
  readonly jwt?: JwtVerifier;
}

const MISSING = new WeftError('ERR_AUTH_REQUIRED', { reason: 'send "Authorization: Bearer TOKEN"' });
const NO_TOKENS = new WeftError('ERR_AUTH_REQUIRED', { reason: 'weft API tokens are not accepted here; send a JWT' });
const NOT_WEFT = new WeftError('ERR_AUTH_REQUIRED', { reason: 'the bearer token is not a weft API token' });

/**
 * Authenticates a request by its `Authorization: Bearer …` header: a weft API token (`weft_…`)
 * goes to the TokenVerifier, anything else to the JwtVerifier; then `authorize` checks the role.
 * Results are a Principal or the coded error to answer (ERR_AUTH_REQUIRED 401,
 * ERR_AUTH_FORBIDDEN 403, ERR_AUTH_UNAVAILABLE 503); nothing throws. A remembered API token is
 * checked synchronously, so the request path stays free of promises.
 */
export class Authenticator {
  readonly #tokens: TokenVerifier | undefined;
  readonly #jwt: JwtVerifier | undefined;

  constructor(options: AuthenticatorOptions) {
    this.#tokens = options.tokens;
    this.#jwt = options.jwt;
  }

  /** Who sent the credential in an Authorization header value (or a bare token). */
  authenticate(authorization: string | undefined): Verdict | Promise<Verdict> {
    const token = bearerToken(authorization);
    if (token === undefined) return MISSING;
    if (token.startsWith(TOKEN_PREFIX)) return this.#tokens?.verify(token) ?? (this.#jwt === undefined ? NO_TOKENS : this.#jwt.verify(token));
    if (this.#jwt !== undefined) return this.#jwt.verify(token);
    return this.#tokens === undefined ? MISSING : NOT_WEFT;
  }

  /** Authenticates, then refuses a principal whose role does not allow `needed` (ERR_AUTH_FORBIDDEN). */
  authorize(authorization: string | undefined, needed: Role): Verdict | Promise<Verdict> {
    const verdict = this.authenticate(authorization);
    return verdict instanceof Promise ? verdict.then((settled) => allowed(settled, needed)) : allowed(verdict, needed);
  }
}

function allowed(verdict: Verdict, needed: Role): Verdict {
  if (verdict instanceof WeftError || roleAllows(verdict.role, needed)) return verdict;
  return new WeftError('ERR_AUTH_FORBIDDEN', { token: verdict.name, role: verdict.role, needed });
}

/** The token of `Bearer TOKEN` (scheme without case); a value without a scheme is taken as the token itself. */
function bearerToken(authorization: string | undefined): string | undefined {
  if (authorization === undefined) return undefined;
  const value = authorization.trim();
  const space = value.indexOf(' ');
  if (space === -1) return value === '' ? undefined : value;
  if (value.slice(0, space).toLowerCase() !== 'bearer') return undefined;
  const token = value.slice(space + 1).trim();
  return token === '' ? undefined : token;
}
