import type { Role } from './role.ts';

/** The values namespace that holds API tokens: tokens are shared by every namespace of a store. */
export const TOKENS_NAMESPACE = 'weft:tokens';

/** An API token as the store keeps it (the value named by its id): never the secret, only its hash. */
export interface TokenRecord {
  readonly id: string;
  readonly name: string;
  readonly role: Role;
  /** SHA-256 of the secret, hex. */
  readonly hash: string;
  readonly createdAt: string;
  /** ISO-8601; the token stops working then. */
  readonly expiresAt?: string;
}

/** A token as `weft token list` shows it: everything but the hash. */
export type TokenInfo = Omit<TokenRecord, 'hash'>;

/** The record when `data` (a stored value) has the shape of one, else undefined. */
export function asTokenRecord(data: unknown): TokenRecord | undefined {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return undefined;
  const record = data as Partial<Record<keyof TokenRecord, unknown>>;
  const valid = typeof record.id === 'string' && typeof record.name === 'string' && typeof record.hash === 'string'
    && typeof record.createdAt === 'string' && (record.role === 'read' || record.role === 'write' || record.role === 'admin')
    && (record.expiresAt === undefined || typeof record.expiresAt === 'string');
  return valid ? (data as TokenRecord) : undefined;
}

/** True once the token's expiry has passed. */
export function tokenExpired(record: TokenRecord, now: number = Date.now()): boolean {
  return record.expiresAt !== undefined && Date.parse(record.expiresAt) <= now;
}
