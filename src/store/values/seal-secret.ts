import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { WeftError } from '../../errors/index.ts';
import type { ValueData } from '../value-store.ts';
import type { SealedSecret } from './sealed-secret.ts';
import type { MasterKey, SecretKeyring } from './secret-keyring.ts';

interface Box {
  readonly iv: string;
  readonly tag: string;
  readonly ct: string;
}

function encrypt(key: Buffer, plain: Buffer, aad: string): Box {
  const iv = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', key, iv);
  cipher.setAAD(Buffer.from(aad));
  const ct = Buffer.concat([cipher.update(plain), cipher.final()]);
  return { iv: iv.toString('base64'), tag: cipher.getAuthTag().toString('base64'), ct: ct.toString('base64') };
}

/** Decrypts a box; undefined when the key is wrong or the box was altered (GCM authenticates both). */
function decrypt(key: Buffer, box: Box, aad: string): Buffer | undefined {
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(box.iv, 'base64'));
    decipher.setAAD(Buffer.from(aad));
    decipher.setAuthTag(Buffer.from(box.tag, 'base64'));
    return Buffer.concat([decipher.update(Buffer.from(box.ct, 'base64')), decipher.final()]);
  } catch {
    return undefined;
  }
}

/** The master key to seal with; ERR_SECRET_KEY_MISSING names the value when the keyring has none. */
export function sealingKey(keyring: SecretKeyring, name: string): MasterKey {
  if (keyring.current === undefined) throw new WeftError('ERR_SECRET_KEY_MISSING', { name });
  return keyring.current;
}

/**
 * Encrypts `data` (as JSON) under a fresh data key, and wraps that key with the keyring's
 * current master key. `name` (namespace/name) is bound as associated data, so an envelope
 * copied onto another value does not open.
 */
export function sealSecret(data: ValueData, keyring: SecretKeyring, name: string): SealedSecret {
  const master = sealingKey(keyring, name);
  const dataKey = randomBytes(32);
  try {
    const box = encrypt(dataKey, Buffer.from(JSON.stringify(data)), name);
    return { alg: 'AES-256-GCM', kid: master.id, ...box, dk: encrypt(master.key, dataKey, master.id) };
  } finally {
    dataKey.fill(0);
  }
}

/** The data key of an envelope, unwrapped with the master key its `kid` names. */
function unwrap(sealed: SealedSecret, keyring: SecretKeyring, name: string): Buffer {
  const master = keyring.keys.get(sealed.kid);
  if (master === undefined) {
    if (keyring.keys.size === 0) throw new WeftError('ERR_SECRET_KEY_MISSING', { name });
    throw new WeftError('ERR_SECRET_UNREADABLE', { name, reason: `it is sealed with key ${sealed.kid}, which is not among the keys given (${[...keyring.keys.keys()].join(', ')})` });
  }
  const dataKey = decrypt(master.key, sealed.dk, master.id);
  if (dataKey === undefined) throw new WeftError('ERR_SECRET_UNREADABLE', { name, reason: 'its data key does not decrypt with the master key (wrong key or altered data)' });
  return dataKey;
}

/** Decrypts a secret. ERR_SECRET_KEY_MISSING without keys; ERR_SECRET_UNREADABLE for a wrong key or altered data, never garbage. */
export function openSecret(sealed: SealedSecret, keyring: SecretKeyring, name: string): ValueData {
  const dataKey = unwrap(sealed, keyring, name);
  try {
    const plain = decrypt(dataKey, sealed, name);
    if (plain === undefined) throw new WeftError('ERR_SECRET_UNREADABLE', { name, reason: 'the data does not decrypt with its data key (altered data, or an envelope of another value)' });
    return JSON.parse(plain.toString('utf8')) as ValueData;
  } finally {
    dataKey.fill(0);
  }
}

/** The envelope with its data key re-wrapped under the keyring's current key (the data stays as it is). */
export function rewrapSecret(sealed: SealedSecret, keyring: SecretKeyring, name: string): SealedSecret {
  const master = sealingKey(keyring, name);
  if (sealed.kid === master.id) return sealed;
  const dataKey = unwrap(sealed, keyring, name);
  try {
    return { ...sealed, kid: master.id, dk: encrypt(master.key, dataKey, master.id) };
  } finally {
    dataKey.fill(0);
  }
}
