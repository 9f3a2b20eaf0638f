/** The console's calls to the ops API of the engine that serves it, with the token the user gave. */

const TOKEN_KEY = 'weft.token';

/** Thrown when the API answers 401: the page asks for a token and tries again. */
export class NeedsToken extends Error {}

/** An error answer of the API: its code and message. */
export class ApiError extends Error {
  readonly code: string;
  readonly status: number;
  constructor(status: number, code: string, message: string) {
    super(message);
    this.status = status;
    this.code = code;
  }
}

export function token(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function setToken(value: string): void {
  sessionStorage.setItem(TOKEN_KEY, value);
}

export function clearToken(): void {
  sessionStorage.removeItem(TOKEN_KEY);
}

/** Calls the API: JSON in and out, the token as a bearer credential. */
export async function api<T>(path: string, options: { method?: string; body?: unknown } = {}): Promise<T> {
  const headers: Record<string, string> = {};
  const bearer = token();
  if (bearer !== null) headers.authorization = `Bearer ${bearer}`;
  if (options.body !== undefined) headers['content-type'] = 'application/json';
  const response = await fetch(path, { method: options.method ?? 'GET', headers, body: options.body === undefined ? undefined : JSON.stringify(options.body) });
  const body = (await response.json().catch(() => ({}))) as { error?: { code: string; message: string } };
  if (response.status === 401) throw new NeedsToken(body.error?.message ?? 'a token is needed');
  if (!response.ok) throw new ApiError(response.status, body.error?.code ?? 'ERR_UNKNOWN', body.error?.message ?? response.statusText);
  return body as T;
}

/** Path segment encoding for namespace and node names. */
export function seg(text: string): string {
  return encodeURIComponent(text);
}
