/** What the library's errors (ParseError, TypeError, EvaluationError) carry besides a message. */
interface CelLibraryError {
  readonly summary?: unknown;
  readonly range?: { readonly start: number };
  readonly node?: { readonly input?: unknown };
}

/**
 * A one-line reason for an error the CEL library threw: its summary plus where it happened
 * (`No such key: x at 1:6`, line:column of the expression). The library's own message spans
 * several lines with a source excerpt; it stays available as the WeftError's cause.
 */
export function celReason(thrown: unknown, code?: string): string {
  if (!(thrown instanceof Error)) return String(thrown);
  const error = thrown as Error & CelLibraryError;
  const summary = typeof error.summary === 'string' ? error.summary : (error.message.split('\n')[0] ?? '');
  const source = typeof error.node?.input === 'string' ? error.node.input : code;
  const start = error.range?.start;
  if (source === undefined || start === undefined) return summary;
  const before = source.slice(0, start).split('\n');
  return `${summary} at ${before.length}:${before.at(-1)!.length + 1}`;
}
