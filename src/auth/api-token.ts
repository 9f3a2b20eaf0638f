import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** How every weft API token starts, so scanners (and people) can tell one when they see it. */
export const TOKEN_PREFIX = 'weft_';

const TOKEN = /^weft_(tok[0-9a-f]{12})_([A-Za-z0-9_-]{43})$/;

/** A token split into the id the store looks it up by and the secret only its holder knows. */
export interface ApiTokenParts {
  readonly id: string;
  readonly secret: string;
}

/** A new token: `weft_<id>_<secret>` with a random id (48 bits) and a random secret (256 bits). */
export function newApiToken(): ApiTokenParts & { readonly text: string } {
  const id = `tok${randomBytes(6).toString('hex')}`;
  const secret = randomBytes(32).toString('base64url');
  return { id, secret, text: `${TOKEN_PREFIX}${id}_${secret}` };
}

/** The parts of a well-formed weft token, else undefined (a JWT, a typo, anything else). */
export function parseApiToken(text: string): ApiTokenParts | undefined {
  const match = TOKEN.exec(text);
  return match === null ? undefined : { id: match[1]!, secret: match[2]! };
}

/**
 * What the store keeps of a secret: its SHA-256, hex. A token's secret is 256 random bits, so a
 * fast hash is enough (a slow one defends guessable passwords, which these are not).
 */
export function hashTokenSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

/** Whether a secret hashes to `hash`, compared in constant time. */
export function tokenSecretMatches(secret: string, hash: string): boolean {
  const given = Buffer.from(hashTokenSecret(secret), 'hex');
  const stored = Buffer.from(hash, 'hex');
  return given.length === stored.length && timingSafeEqual(given, stored);
}
