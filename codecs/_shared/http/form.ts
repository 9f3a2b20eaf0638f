/** A decoded form or query string: name → every value given for it, in order. */
export type FormLists = Record<string, string[]>;

/** Parses `application/x-www-form-urlencoded` text (a body or a query string) into lists. */
export function parseForm(text: string): FormLists {
  const lists: FormLists = {};
  if (text === '') return lists;
  for (const [name, value] of new URLSearchParams(text)) appendValue(lists, name, value);
  return lists;
}

/** Adds one value under `name` (an own property even for `__proto__`). */
export function appendValue(lists: FormLists, name: string, value: string): void {
  const list = lists[name];
  if (list !== undefined && Object.hasOwn(lists, name)) list.push(value);
  else if (name !== '__proto__') lists[name] = [value];
  else Object.defineProperty(lists, name, { value: [value], enumerable: true, writable: true, configurable: true });
}

/** Encodes a map as form text: list values repeat their name, other values become strings. */
export function formatForm(value: unknown): string {
  const params = new URLSearchParams();
  if (typeof value === 'object' && value !== null) {
    for (const [name, entry] of Object.entries(value)) {
      for (const item of Array.isArray(entry) ? entry : [entry]) params.append(name, String(item));
    }
  }
  return params.toString();
}
