import { WeftError } from '../../errors/index.ts';
import type { StoredSpec } from '../../spec/index.ts';

/** The name of the unique (namespace, name) index; a duplicate-key error on it means ERR_NAME_TAKEN. */
export const NAME_INDEX = 'weft_namespace_name';

const DUPLICATE_KEY = 11000;
const AUTHENTICATION_FAILED = 18;
const UNAUTHORIZED = 13;

interface WriteFailure {
  readonly index?: unknown;
  readonly code?: unknown;
  readonly errmsg?: unknown;
  readonly message?: unknown;
  readonly keyPattern?: unknown;
  readonly err?: { readonly keyPattern?: unknown };
}

/**
 * Turns what a MongoDB call threw into a WeftError. WeftErrors pass unchanged. A duplicate key
 * (11000) on `_id` becomes ERR_ID_TAKEN and one on the (namespace, name) index ERR_NAME_TAKEN,
 * naming the spec of the failed write: `written[i]` is what write `i` of the call stored, and
 * `details.index` is `i`, as `writeSpecs` reports its own refusals. A refused login or
 * command (codes 18, 13) becomes ERR_STORE_ACCESS_DENIED; anything else ERR_STORE_UNAVAILABLE
 * with the driver's message.
 */
export function mongoStoreError(thrown: unknown, written: readonly StoredSpec[] = []): WeftError {
  if (thrown instanceof WeftError) return thrown;
  const failure = duplicateKeyFailure(thrown);
  if (failure !== undefined) {
    const index = typeof failure.index === 'number' ? failure.index : written.length === 1 ? 0 : undefined;
    const spec = index === undefined ? undefined : written[index];
    const details = index === undefined ? undefined : { index };
    if (spec !== undefined && isNameIndex(failure) && spec.name !== undefined) {
      return new WeftError('ERR_NAME_TAKEN', { name: spec.name, namespace: spec.namespace }, { cause: thrown, details });
    }
    if (spec !== undefined && !isNameIndex(failure)) return new WeftError('ERR_ID_TAKEN', { id: spec.id }, { cause: thrown, details });
  }
  const reason = thrown instanceof Error ? thrown.message : String(thrown);
  if (isAccessDenied(thrown)) return new WeftError('ERR_STORE_ACCESS_DENIED', { reason }, { cause: thrown });
  return new WeftError('ERR_STORE_UNAVAILABLE', { reason }, { cause: thrown });
}

/** AuthenticationFailed (18) or Unauthorized (13), on the error or the one it wraps. */
function isAccessDenied(thrown: unknown): boolean {
  for (let current = thrown, hops = 0; typeof current === 'object' && current !== null && hops < 5; current = (current as { cause?: unknown }).cause, hops++) {
    const code = (current as { code?: unknown }).code;
    if (code === AUTHENTICATION_FAILED || code === UNAUTHORIZED) return true;
  }
  return false;
}

/** The failed write of a duplicate-key error: one of a bulk write's `writeErrors`, or the error itself. */
function duplicateKeyFailure(thrown: unknown): WriteFailure | undefined {
  if (typeof thrown !== 'object' || thrown === null) return undefined;
  const writeErrors = (thrown as { writeErrors?: unknown }).writeErrors;
  const failures = (Array.isArray(writeErrors) ? writeErrors : writeErrors === undefined ? [thrown] : [writeErrors]) as WriteFailure[];
  return failures.find((failure) => failure?.code === DUPLICATE_KEY);
}

/** True when the duplicate key is on the name index: by the key pattern, else by the index named in the message. */
function isNameIndex(failure: WriteFailure): boolean {
  const pattern = failure.keyPattern ?? failure.err?.keyPattern;
  if (typeof pattern === 'object' && pattern !== null) return 'name' in pattern;
  const message = failure.errmsg ?? failure.message;
  return typeof message === 'string' && message.includes(`index: ${NAME_INDEX}`);
}
