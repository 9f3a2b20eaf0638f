import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { WeftError } from '../../errors/index.ts';

/** One 32-byte master key and its id (the first 16 hex digits of its SHA-256). */
export interface MasterKey {
  readonly id: string;
  readonly key: Buffer;
}

/**
 * The master keys an engine or the CLI holds: `current` seals new secrets; every key (current
 * and previous ones) can open a secret sealed under it, which is what a rotation needs.
 */
export interface SecretKeyring {
  readonly current: MasterKey | undefined;
  readonly keys: ReadonlyMap<string, MasterKey>;
}

/** A master key from its base64 text (32 bytes). Throws ERR_SECRET_KEY_INVALID, naming where it came from, otherwise. */
export function masterKey(base64: string, source: string): MasterKey {
  const text = base64.trim();
  const key = Buffer.from(text, 'base64');
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(text) || key.length !== 32) {
    throw new WeftError('ERR_SECRET_KEY_INVALID', { source, reason: `expected 32 bytes in base64 (44 characters), got ${key.length} bytes` });
  }
  return { id: createHash('sha256').update(key).digest('hex').slice(0, 16), key };
}

/** A keyring of `current` (may be absent) and `previous` keys. */
export function secretKeyring(current: MasterKey | undefined, previous: readonly MasterKey[] = []): SecretKeyring {
  const keys = new Map<string, MasterKey>();
  for (const key of [...previous, ...(current === undefined ? [] : [current])]) keys.set(key.id, key);
  return { current, keys };
}

/**
 * The keyring the environment gives: the current key from `WEFT_SECRET_KEY` (base64) or the
 * file `WEFT_SECRET_KEY_FILE` names (base64 text), and older keys from
 * `WEFT_SECRET_KEY_PREVIOUS` (base64, comma-separated), which open secrets not yet re-wrapped.
 * No key at all gives an empty keyring: values work, secrets cannot be written or read.
 */
export function secretKeyringFromEnv(env: NodeJS.ProcessEnv = process.env): SecretKeyring {
  let current: MasterKey | undefined;
  if (env.WEFT_SECRET_KEY !== undefined && env.WEFT_SECRET_KEY !== '') current = masterKey(env.WEFT_SECRET_KEY, 'WEFT_SECRET_KEY');
  else if (env.WEFT_SECRET_KEY_FILE !== undefined && env.WEFT_SECRET_KEY_FILE !== '') {
    const file = env.WEFT_SECRET_KEY_FILE;
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (thrown) {
      throw new WeftError('ERR_SECRET_KEY_INVALID', { source: `WEFT_SECRET_KEY_FILE (${file})`, reason: (thrown as Error).message }, { cause: thrown });
    }
    current = masterKey(text, `WEFT_SECRET_KEY_FILE (${file})`);
  }
  const previous = (env.WEFT_SECRET_KEY_PREVIOUS ?? '')
    .split(',')
    .filter((part) => part.trim() !== '')
    .map((part, index) => masterKey(part, `WEFT_SECRET_KEY_PREVIOUS[${index}]`));
  return secretKeyring(current, previous);
}
