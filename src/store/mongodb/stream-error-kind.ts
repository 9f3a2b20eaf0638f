/**
 * What a change-stream failure means for the watcher:
 * - `transient`: the connection or the primary went away; reopen after the last position.
 * - `position`: the server cannot continue from the position (history lost, token unknown or
 *   rejected, a pre-image gone); start over from now with a `reset`.
 * - `fatal`: anything else (no permission, a bad option…); opening again would fail the same way.
 */
export type StreamErrorKind = 'transient' | 'position' | 'fatal';

/** Server codes the change-streams spec calls resumable (for servers that do not label errors). */
const RESUMABLE_CODES: ReadonlySet<number> = new Set([
  6, 7, 89, 91, 189, 262, 9001, 10107, 11600, 11602, 13435, 13436, 63, 150, 13388, 234, 133, 43,
]);

/**
 * Codes saying the stream cannot go on from where it is: InvalidResumeToken (260),
 * ChangeStreamFatalError (280, e.g. "the resume token was not found"), ChangeStreamHistoryLost
 * (286, the position left the oplog), and 51770 (a required pre-image is missing, e.g. expired).
 */
const POSITION_CODES: ReadonlySet<number> = new Set([260, 280, 286, 51770]);

const TRANSIENT_NAMES: ReadonlySet<string> = new Set([
  'MongoNetworkError', 'MongoNetworkTimeoutError', 'MongoServerSelectionError', 'MongoOperationTimeoutError', 'MongoServerClosedError',
  // The server ended the cursor (it does after an invalidate, which the stream handles first).
  'MongoCursorExhaustedError',
]);

/**
 * Classifies an error from opening or reading a change stream (read through its `name`, `code`
 * and error labels, so it works on the driver's error classes and on plain test doubles).
 * `fromGivenPosition` is true while opening from a position the server has not accepted yet
 * (the caller's token): then any server refusal that is not transient is about the position.
 * A `position` failure of a stream opened from now is the caller's to treat as fatal.
 */
export function streamErrorKind(error: unknown, fromGivenPosition: boolean): StreamErrorKind {
  if (typeof error !== 'object' || error === null) return 'fatal';
  const { name, code } = error as { name?: unknown; code?: unknown };
  const labels = errorLabels(error);
  if (typeof name === 'string' && TRANSIENT_NAMES.has(name)) return 'transient';
  if (labels.has('ResumableChangeStreamError')) return 'transient';
  if (typeof code === 'number' && RESUMABLE_CODES.has(code) && !labels.has('NonResumableChangeStreamError')) return 'transient';
  if (typeof code === 'number' && POSITION_CODES.has(code)) return 'position';
  if (labels.has('NonResumableChangeStreamError')) return 'position';
  if (fromGivenPosition && typeof code === 'number') return 'position';
  return 'fatal';
}

function errorLabels(error: object): ReadonlySet<string> {
  const labels = (error as { errorLabels?: unknown }).errorLabels;
  if (Array.isArray(labels)) return new Set(labels.filter((label): label is string => typeof label === 'string'));
  const has = (error as { hasErrorLabel?: unknown }).hasErrorLabel;
  if (typeof has !== 'function') return new Set();
  const known = ['ResumableChangeStreamError', 'NonResumableChangeStreamError'];
  return new Set(known.filter((label) => (has as (label: string) => boolean).call(error, label)));
}
