import { appendValue, type FormLists } from './form.ts';

/**
 * Request headers as lower-cased name → list of values, one entry per header line, from
 * Node's `rawHeaders` (name, value, name, value…); repeated lines stay separate values.
 */
export function headerLists(rawHeaders: readonly string[]): FormLists {
  const lists: FormLists = {};
  for (let i = 0; i + 1 < rawHeaders.length; i += 2) appendValue(lists, rawHeaders[i]!.toLowerCase(), rawHeaders[i + 1]!);
  return lists;
}
