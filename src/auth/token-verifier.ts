import { LRUCache } from 'lru-cache';
import { WeftError } from '../errors/index.ts';
import { parseApiToken, tokenSecretMatches } from './api-token.ts';
import type { Principal } from './principal.ts';
import { tokenExpired, type TokenRecord } from './token-record.ts';
import type { TokenRegistry } from './token-registry.ts';

/** Options of a TokenVerifier. */
export interface TokenVerifierOptions {
  readonly registry: TokenRegistry;
  /**
   * How long a lookup is trusted before the store is asked again (default 500 ms): the longest a
   * revoked token keeps working on an engine that had just seen it.
   */
  readonly ttlMs?: number;
  /** The most token ids remembered at once (default 10 000; unknown ids count too). */
  readonly maxEntries?: number;
}

/** An outcome of verifying a credential: who it is, or the coded error to answer. */
export type Verdict = Principal | WeftError;

const UNKNOWN = new WeftError('ERR_AUTH_REQUIRED', { reason: 'the token is unknown, revoked or expired' });

/**
 * Checks weft API tokens against the store's registry, remembering each lookup (found or not)
 * for `ttlMs`: a known token is verified without I/O, synchronously, and a revocation reaches
 * every engine within `ttlMs` plus one store read. Concurrent checks of one id share a lookup.
 * A store that cannot answer gives ERR_AUTH_UNAVAILABLE (503), never a pass.
 */
export class TokenVerifier {
  readonly #registry: TokenRegistry;
  readonly #cache: LRUCache<string, { readonly record: TokenRecord | undefined }>;
  readonly #pending = new Map<string, Promise<TokenRecord | undefined>>();

  constructor(options: TokenVerifierOptions) {
    this.#registry = options.registry;
    this.#cache = new LRUCache({ max: options.maxEntries ?? 10_000, ttl: options.ttlMs ?? 500, ttlAutopurge: false });
  }

  /** The principal of a token text, or why it is refused; synchronous when the lookup is remembered. */
  verify(text: string): Verdict | Promise<Verdict> {
    const parts = parseApiToken(text);
    if (parts === undefined) return new WeftError('ERR_AUTH_REQUIRED', { reason: 'the bearer token is not a weft API token' });
    const cached = this.#cache.get(parts.id);
    if (cached !== undefined) return judge(cached.record, parts.secret);
    let pending = this.#pending.get(parts.id);
    if (pending === undefined) {
      pending = this.#registry.lookup(parts.id).then((record) => {
        this.#cache.set(parts.id, { record });
        return record;
      }).finally(() => this.#pending.delete(parts.id));
      this.#pending.set(parts.id, pending);
    }
    return pending.then(
      (record) => judge(record, parts.secret),
      (thrown: unknown) => new WeftError('ERR_AUTH_UNAVAILABLE', { reason: `the store did not answer: ${(thrown as Error)?.message ?? String(thrown)}` }),
    );
  }

  /** Forgets every remembered lookup (after a revocation through this engine). */
  clear(): void {
    this.#cache.clear();
  }
}

function judge(record: TokenRecord | undefined, secret: string): Verdict {
  if (record === undefined || tokenExpired(record) || !tokenSecretMatches(secret, record.hash)) return UNKNOWN;
  return { method: 'token', id: record.id, name: record.name, role: record.role };
}
