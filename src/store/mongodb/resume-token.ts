import { BSON } from 'mongodb';

/** A change-stream resume token as the server sends it (`{_data: "82…"}` on MongoDB 4.2+). */
export type ResumeToken = unknown;

const EJSON_PREFIX = 'ejson:';

/**
 * The string form of a resume token, as ChangeEvent.token carries it: the hex `_data` itself
 * for the usual `{_data}` token, canonical Extended JSON behind `ejson:` for any other shape.
 */
export function formatToken(token: ResumeToken): string {
  if (isDataToken(token)) return token._data;
  return EJSON_PREFIX + BSON.EJSON.stringify(token as BSON.Document, { relaxed: false });
}

/**
 * The resume token a string from `formatToken` stands for, or undefined when the string cannot
 * be one (the caller then starts over with a `reset`). A well-formed token the server does not
 * know is only found out when the stream opens.
 */
export function parseToken(text: string): ResumeToken | undefined {
  if (/^[0-9a-f]+$/i.test(text)) return { _data: text };
  if (!text.startsWith(EJSON_PREFIX)) return undefined;
  try {
    const token: unknown = BSON.EJSON.parse(text.slice(EJSON_PREFIX.length), { relaxed: false });
    return typeof token === 'object' && token !== null && !Array.isArray(token) ? token : undefined;
  } catch {
    return undefined;
  }
}

function isDataToken(token: ResumeToken): token is { _data: string } {
  if (typeof token !== 'object' || token === null) return false;
  const keys = Object.keys(token);
  const data = (token as { _data?: unknown })._data;
  return keys.length === 1 && typeof data === 'string' && /^[0-9a-f]+$/i.test(data);
}
