/** Longest text a compile reason takes from a library's message. */
export const MAX_REASON_CHARS = 200;
/** Characters of source shown on each side of a compile error's position. */
const EXCERPT_SIDE = 30;

/** `text` cut to `max` characters (an ellipsis marks the cut), so a huge token cannot fill a log line. */
export function clip(text: string, max = MAX_REASON_CHARS): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

/**
 * A compile reason that stays short whatever the code's size: the library's summary (clipped),
 * the line:column of `index` in `code`, and the source around it on that line (`near "…"`).
 * A 1 MB expression used to be embedded whole in its error, and the error in every retry's log.
 */
export function reasonAt(summary: string, code: string, index: number): string {
  const at = Math.max(0, Math.min(index, code.length));
  const lineStart = code.lastIndexOf('\n', at - 1) + 1;
  const lineEnd = code.indexOf('\n', at);
  const line = code.slice(lineStart, lineEnd === -1 ? code.length : lineEnd);
  const column = at - lineStart;
  const from = Math.max(0, column - EXCERPT_SIDE);
  const to = Math.min(line.length, column + EXCERPT_SIDE);
  const excerpt = `${from > 0 ? '…' : ''}${line.slice(from, to)}${to < line.length ? '…' : ''}`;
  const lineNumber = countLines(code, lineStart);
  return `${clip(summary)} at ${lineNumber}:${column + 1}${excerpt.trim() === '' ? '' : ` near ${JSON.stringify(excerpt)}`}`;
}

/** The index in `code` of 1-based `line` and `column` (clamped to the code). */
export function indexOf(code: string, line: number, column: number): number {
  let index = 0;
  for (let current = 1; current < line; current++) {
    const next = code.indexOf('\n', index);
    if (next === -1) return code.length;
    index = next + 1;
  }
  return Math.min(code.length, index + Math.max(0, column - 1));
}

function countLines(code: string, end: number): number {
  let lines = 1;
  for (let index = code.indexOf('\n'); index !== -1 && index < end; index = code.indexOf('\n', index + 1)) lines++;
  return lines;
}
