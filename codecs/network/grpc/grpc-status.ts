import type { StatusObject } from '@grpc/grpc-js';
import { toWeftError, WeftError, type Category } from '../../../src/index.ts';
import { grpcLibrary } from './grpc-library.ts';

/** The gRPC status codes (stable numbers of the gRPC protocol), without loading grpc-js. */
const STATUS_NAMES = [
  'OK', 'CANCELLED', 'UNKNOWN', 'INVALID_ARGUMENT', 'DEADLINE_EXCEEDED', 'NOT_FOUND', 'ALREADY_EXISTS', 'PERMISSION_DENIED',
  'RESOURCE_EXHAUSTED', 'FAILED_PRECONDITION', 'ABORTED', 'OUT_OF_RANGE', 'UNIMPLEMENTED', 'INTERNAL', 'UNAVAILABLE', 'DATA_LOSS', 'UNAUTHENTICATED',
] as const;
type StatusName = (typeof STATUS_NAMES)[number];
const Status = Object.fromEntries(STATUS_NAMES.map((name, code) => [name, code])) as Readonly<Record<StatusName, number>>;

/** The gRPC status that answers an error of each category (the categories are gRPC's canonical codes). */
export const grpcStatusOf: Readonly<Record<Category, number>> = {
  'invalid argument': Status.INVALID_ARGUMENT,
  'not found': Status.NOT_FOUND,
  'already exists': Status.ALREADY_EXISTS,
  'permission denied': Status.PERMISSION_DENIED,
  unauthenticated: Status.UNAUTHENTICATED,
  'resource exhausted': Status.RESOURCE_EXHAUSTED,
  'failed precondition': Status.FAILED_PRECONDITION,
  aborted: Status.ABORTED,
  'deadline exceeded': Status.DEADLINE_EXCEEDED,
  unavailable: Status.UNAVAILABLE,
  unimplemented: Status.UNIMPLEMENTED,
  internal: Status.INTERNAL,
};

/** The metadata key that carries a failed call's weft error code. */
export const ERROR_CODE_METADATA = 'weft-error-code';

/** The name of a gRPC status code (`INVALID_ARGUMENT`), or `CODE_<n>` for one grpc-js does not know. */
export function statusName(code: number): string {
  return STATUS_NAMES[code] ?? `CODE_${code}`;
}

/**
 * The status a weft error answers a gRPC call with: its category's code, except an
 * ERR_GRPC_STATUS (an upstream's refusal), which passes the upstream's code on. The details
 * are the message, and the metadata names the weft code; `internal` errors hide their message
 * as listeners do (the log has it).
 */
export function statusOfError(error: Error): Partial<StatusObject> {
  const weft = toWeftError(error);
  const metadata = new (grpcLibrary().grpc.Metadata)();
  metadata.set(ERROR_CODE_METADATA, weft.code);
  const upstream = weft.code === 'ERR_GRPC_STATUS' ? Number(weft.params.code) : Number.NaN;
  const code = Number.isInteger(upstream) ? upstream : grpcStatusOf[weft.category];
  const details = code === Status.INTERNAL && weft.code !== 'ERR_GRPC_STATUS' ? 'internal error' : weft.message;
  return { code, details, metadata };
}

/** The weft error of a failed call: ERR_GRPC_STATUS with the method, status name and number, details and the server's weft code. */
export function statusError(method: string, failure: Partial<StatusObject> & { message?: string }): WeftError {
  const code = failure.code ?? Status.UNKNOWN;
  const remote = failure.metadata?.get(ERROR_CODE_METADATA)[0];
  const details = failure.details ?? failure.message ?? '';
  return new WeftError('ERR_GRPC_STATUS', { method, status: statusName(code), code, details }, {
    details: { status: statusName(code), code, ...(remote === undefined ? {} : { remoteCode: String(remote) }) },
  });
}
