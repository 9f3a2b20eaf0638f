import { WeftError } from '../../errors/index.ts';
import type { LeaseData } from '../spec-store.ts';

/** The longest key or holder a store accepts. */
const MAX_NAME = 200;
/** The longest lease: a day. */
const MAX_TTL_MS = 86_400_000;
/** The most bytes of JSON a lease's data may take. */
const MAX_DATA_BYTES = 16_384;

/**
 * Checks the arguments of `acquireLease`/`releaseLease` the same way for every driver and
 * returns the data as JSON text (undefined when none is given). Throws ERR_LEASE_INVALID.
 */
export function leaseArguments(key: string, holder: string, ttlMs?: number, data?: LeaseData): string | undefined {
  const refuse = (reason: string): WeftError => new WeftError('ERR_LEASE_INVALID', { key: String(key).slice(0, MAX_NAME), reason });
  if (typeof key !== 'string' || key.length === 0 || key.length > MAX_NAME) throw refuse(`the key must be a string of 1 to ${MAX_NAME} characters`);
  if (typeof holder !== 'string' || holder.length === 0 || holder.length > MAX_NAME) throw refuse(`the holder must be a string of 1 to ${MAX_NAME} characters`);
  if (ttlMs !== undefined && (!Number.isInteger(ttlMs) || ttlMs < 1 || ttlMs > MAX_TTL_MS)) throw refuse(`the TTL must be a whole number of milliseconds from 1 to ${MAX_TTL_MS}`);
  if (data === undefined) return undefined;
  let text: string | undefined;
  try {
    text = JSON.stringify(data);
  } catch {
    throw refuse('the data must be JSON');
  }
  if (text === undefined) throw refuse('the data must be JSON');
  if (Buffer.byteLength(text) > MAX_DATA_BYTES) throw refuse(`the data takes more than ${MAX_DATA_BYTES} bytes of JSON`);
  return text;
}
