import type { ValueData } from '../value-store.ts';

/**
 * A secret as stored: AES-256-GCM envelope encryption. `ct`/`iv`/`tag` are the data encrypted
 * with its own random data key; `dk` is that data key encrypted (wrapped) with the master key
 * `kid` names. All binary fields are base64. Rotating the master key re-wraps `dk` only.
 */
export interface SealedSecret {
  readonly alg: 'AES-256-GCM';
  readonly kid: string;
  readonly iv: string;
  readonly tag: string;
  readonly ct: string;
  readonly dk: { readonly iv: string; readonly tag: string; readonly ct: string };
}

/** True when `data` has the shape of a SealedSecret. */
export function isSealedSecret(data: ValueData | undefined): data is ValueData & SealedSecret {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return false;
  const record = data as Record<string, ValueData>;
  const text = (value: ValueData | undefined): boolean => typeof value === 'string';
  const dk = record.dk as Record<string, ValueData> | null | undefined;
  return record.alg === 'AES-256-GCM' && text(record.kid) && text(record.iv) && text(record.tag) && text(record.ct) && typeof dk === 'object' && dk !== null && text(dk.iv) && text(dk.tag) && text(dk.ct);
}
