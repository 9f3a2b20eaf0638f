/** `application/x-www-form-urlencoded`, the form (and query string) encoding. */
export const FORM_TYPE = 'application/x-www-form-urlencoded';

/** The lower-cased `type/subtype` of a Content-Type or media range, without its parameters. */
export function mediaEssence(value: string): string {
  const semicolon = value.indexOf(';');
  return (semicolon === -1 ? value : value.slice(0, semicolon)).trim().toLowerCase();
}

/** The value of one parameter (e.g. `charset`) of a Content-Type, lower-cased and unquoted. */
export function mediaParameter(value: string, name: string): string | undefined {
  for (const part of value.split(';').slice(1)) {
    const equals = part.indexOf('=');
    if (equals === -1 || part.slice(0, equals).trim().toLowerCase() !== name) continue;
    return part.slice(equals + 1).trim().replace(/^"(.*)"$/, '$1').toLowerCase();
  }
  return undefined;
}

/** True for `application/json` and the `+json` types (`application/problem+json`…). */
export function isJsonType(essence: string): boolean {
  return essence === 'application/json' || essence.endsWith('+json');
}
