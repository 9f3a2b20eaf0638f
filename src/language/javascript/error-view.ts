import { WeftError } from '../../errors/index.ts';

/** What a snippet sees of an error payload, before the prelude adds `error()` (DESIGN.md §2). */
export interface ErrorView {
  readonly name: string;
  readonly message: string;
  readonly code: string;
  readonly category: string;
  readonly details?: unknown;
}

/**
 * The plain, copyable form of an error payload: a WeftError's code, category, message and
 * details; any other Error counts as `ERR_INTERNAL` / `internal` unless it carries a string
 * `code`. Details are left out when they are not plain data (they could not be copied).
 */
export function errorView(error: Error): ErrorView {
  const weft = error instanceof WeftError;
  const own = (error as { code?: unknown }).code;
  const view = {
    name: error.name,
    message: error.message,
    code: weft ? error.code : typeof own === 'string' ? own : 'ERR_INTERNAL',
    category: weft ? error.category : 'internal',
  };
  if (!weft || error.details === undefined) return view;
  try {
    structuredClone(error.details);
    return { ...view, details: error.details };
  } catch {
    return view;
  }
}
