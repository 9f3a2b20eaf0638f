import { WeftError } from '../errors/index.ts';
import type { StoredValue, ValueData, ValueStore } from '../store/index.ts';
import { hashTokenSecret, newApiToken } from './api-token.ts';
import type { Role } from './role.ts';
import { asTokenRecord, TOKENS_NAMESPACE, type TokenInfo, type TokenRecord } from './token-record.ts';

/** What `create` needs: a unique name (a label for people), a role and an optional expiry. */
export interface TokenRequest {
  readonly name: string;
  readonly role: Role;
  readonly expiresAt?: Date;
}

const TOKEN_NAME = /^[A-Za-z0-9][A-Za-z0-9_.@-]{0,99}$/;

/**
 * The API tokens of a store (`weft token create|list|revoke`), kept in its values collection
 * under TOKENS_NAMESPACE, one value per token named by its id. The store holds a SHA-256 of
 * each secret, never the secret: `create` returns the token text once and nothing can show it
 * again. Every engine on the store sees a revocation through its TokenVerifier.
 */
export class TokenRegistry {
  readonly #store: ValueStore;

  constructor(store: ValueStore) {
    this.#store = store;
  }

  /** Creates a token; its text (returned here only) is what a client sends as `Bearer`. */
  async create(request: TokenRequest): Promise<{ readonly token: string; readonly info: TokenInfo }> {
    if (!TOKEN_NAME.test(request.name)) throw new WeftError('ERR_TOKEN_INVALID', { reason: 'name: must start with a letter or digit and hold only letters, digits, _ . @ - (at most 100)' });
    if (request.expiresAt !== undefined && !(request.expiresAt.getTime() > Date.now())) throw new WeftError('ERR_TOKEN_INVALID', { reason: 'expires: must be in the future' });
    if ((await this.list()).some((token) => token.name === request.name)) throw new WeftError('ERR_TOKEN_NAME_TAKEN', { name: request.name });
    const { id, secret, text } = newApiToken();
    const record: TokenRecord = {
      id, name: request.name, role: request.role, hash: hashTokenSecret(secret), createdAt: new Date().toISOString(),
      ...(request.expiresAt === undefined ? {} : { expiresAt: request.expiresAt.toISOString() }),
    };
    await this.#store.putValues([{ namespace: TOKENS_NAMESPACE, name: id, data: record as unknown as ValueData }]);
    return { token: text, info: infoOf(record) };
  }

  /** Every token, oldest first, without hashes. */
  async list(): Promise<TokenInfo[]> {
    const values = await this.#store.findValues({ namespace: TOKENS_NAMESPACE });
    return records(values).map(infoOf).sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id));
  }

  /** The record of a token id, or undefined when there is none (never created, or revoked). */
  async lookup(id: string): Promise<TokenRecord | undefined> {
    const [value] = await this.#store.findValues({ namespace: TOKENS_NAMESPACE, name: id });
    return value === undefined ? undefined : asTokenRecord(value.data);
  }

  /** Revokes the tokens named by id or name (all or nothing: ERR_TOKEN_NOT_FOUND names what is missing). */
  async revoke(idsOrNames: readonly string[]): Promise<TokenInfo[]> {
    const tokens = await this.list();
    const chosen = new Map<string, TokenInfo>();
    const missing: string[] = [];
    for (const key of idsOrNames) {
      const token = tokens.find((candidate) => candidate.id === key || candidate.name === key);
      if (token === undefined) missing.push(key);
      else chosen.set(token.id, token);
    }
    if (missing.length > 0) throw new WeftError('ERR_TOKEN_NOT_FOUND', { token: missing.join(', ') });
    await this.#store.deleteValues({ namespace: TOKENS_NAMESPACE, name: [...chosen.keys()] });
    return [...chosen.values()];
  }
}

function records(values: readonly StoredValue[]): TokenRecord[] {
  return values.map((value) => asTokenRecord(value.data)).filter((record) => record !== undefined);
}

function infoOf(record: TokenRecord): TokenInfo {
  const { hash: _hash, ...info } = record;
  return info;
}
