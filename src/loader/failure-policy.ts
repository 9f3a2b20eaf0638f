import { WeftError, type Category } from '../errors/index.ts';

/** How many times a failure that may or may not be the spec's own fault (exhausted, timed out, internal) is tried. */
const BOUNDED_ATTEMPTS = 5;
/** The longest error message a log line carries. */
const LOGGED_MESSAGE_CHARS = 500;

/**
 * Whether the loader retries a spec that failed to load, on a timer: always for `unavailable`
 * failures (a store, a sandbox or a port that is busy now may be back soon); a few times for
 * `resource exhausted`, `deadline exceeded` and `internal` (a crashed sandbox child, a slow
 * compile or a codec's unexpected throw may have been another spec's fault or a passing one, or
 * this spec's own: a loop at top level must not kill a sandbox child every 30 s forever); never
 * for the rest (an invalid spec fails the same way until it changes, and a change is loaded at
 * once).
 */
export function retryPolicy(error: Error, attempt: number): boolean {
  const category = categoryOf(error);
  if (category === 'unavailable') return true;
  if (category === 'resource exhausted' || category === 'deadline exceeded' || category === 'internal') return attempt < BOUNDED_ATTEMPTS;
  return false;
}

/** The code of an error, if it has one (for telling a new failure from a repeated one). */
export function codeOf(error: Error): string | undefined {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? code : undefined;
}

/** An error as a log line carries it: code, category and a message cut to a bounded length. */
export function loggedError(error: Error): Record<string, unknown> {
  const message = error.message.length > LOGGED_MESSAGE_CHARS ? `${error.message.slice(0, LOGGED_MESSAGE_CHARS)}… (${error.message.length} chars)` : error.message;
  return { type: error.name, code: codeOf(error), category: categoryOf(error), message };
}

function categoryOf(error: Error): Category {
  return error instanceof WeftError ? error.category : 'internal';
}
