import { WeftError } from '../../errors/index.ts';
import type { ValueData, ValueInput } from '../value-store.ts';
import { isSealedSecret } from './sealed-secret.ts';

/** A value name: a letter or `_`, then letters, digits, `_` or `-` (what `{{ values.NAME }}` can name). */
export const VALUE_NAME = /^[A-Za-z_][A-Za-z0-9_-]{0,199}$/;

/** The most JSON text one value may hold (64 KiB). */
export const VALUE_MAX_BYTES = 64 * 1024;

/** A value ready to be written: a JSON copy with its namespace filled and `secret` a boolean. */
export interface PreparedValue {
  readonly namespace: string;
  readonly name: string;
  readonly data: ValueData;
  readonly secret: boolean;
  /** `data` as JSON text. */
  readonly json: string;
}

/**
 * Checks and copies a caller's value: a valid name, a non-empty namespace, JSON data of at most
 * VALUE_MAX_BYTES, and a sealed envelope as a secret's data. Throws ERR_VALUE_INVALID naming the
 * field. The message never quotes the data (it may be a secret).
 */
export function prepareValue(input: ValueInput): PreparedValue {
  const name = String(input.name);
  const refuse = (field: string, reason: string): WeftError => new WeftError('ERR_VALUE_INVALID', { name, reason: `${field}: ${reason}` });
  if (typeof input.name !== 'string' || !VALUE_NAME.test(input.name)) throw refuse('name', 'must start with a letter or _ and hold only letters, digits, _ and - (at most 200)');
  const namespace = input.namespace ?? 'default';
  if (typeof namespace !== 'string' || namespace === '') throw refuse('namespace', 'must be a non-empty string');
  let json: string | undefined;
  try {
    json = JSON.stringify(input.data);
  } catch {
    json = undefined;
  }
  if (json === undefined) throw refuse('data', 'must be JSON data');
  if (Buffer.byteLength(json) > VALUE_MAX_BYTES) throw refuse('data', `holds more than ${VALUE_MAX_BYTES} bytes of JSON`);
  const secret = input.secret === true;
  const data = JSON.parse(json) as ValueData;
  if (secret && !isSealedSecret(data)) throw refuse('data', 'a secret must be sealed before it is stored (the store never holds its clear text)');
  return { namespace, name: input.name, data, secret, json };
}
