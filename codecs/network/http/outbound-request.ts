import { encodeContent } from '../../_shared/http/content-encoding.ts';
import { contentTypeFor, encodeBody } from '../../_shared/http/encode-body.ts';
import { DROPPED_HEADERS, isHttpResponse } from '../../_shared/http/http-response.ts';

/** Request headers as undici takes them: lower-cased name → a value or a list of values. */
export type OutboundHeaders = Record<string, string | string[]>;

/** One request the `http` node sends to its origin. */
export interface OutboundRequest {
  readonly method: string;
  /** Path and query, e.g. `/api/users?page=2`. */
  readonly path: string;
  readonly headers: OutboundHeaders;
  readonly body: string | Uint8Array | undefined;
}

/** What the spec fixes for every request: the URL's path and query, a default method, headers. */
export interface RequestDefaults {
  readonly url: URL;
  readonly method?: string;
  /** Lower-cased names; they replace the payload's headers of the same name. */
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * Builds the request for one payload (uniflow §9.4 `http`). A map with a numeric `status` (the
 * listener's request map, or `{method?, path?, query?, header?, body?, status: 0}`) describes
 * the request; any other payload is the body. The spec URL fixes scheme and host; its path goes
 * in front of the payload's path and its query before the payload's. The method is the map's,
 * else the spec's, else GET without a body and POST with one. The body is encoded by the
 * request's Content-Type (chosen from the body when none is set) and its Content-Encoding.
 * Throws a plain Error for a payload it cannot turn into a request.
 */
export function outboundRequest(payload: unknown, defaults: RequestDefaults): OutboundRequest {
  const map = isHttpResponse(payload) ? (payload as unknown as Readonly<Record<string, unknown>>) : undefined;
  const body = map === undefined ? payload : map.body;
  const headers = requestHeaders(map?.header, defaults.headers);
  const path = joinPath(defaults.url.pathname, stringField(map, 'path') ?? '') + queryString(defaults.url.search, map?.query);
  const method = (stringField(map, 'method') || defaults.method || (body === null || body === undefined ? 'GET' : 'POST')).toUpperCase();
  return { method, path, headers, body: encodeRequestBody(body, headers) };
}

function stringField(map: Readonly<Record<string, unknown>> | undefined, name: string): string | undefined {
  const value = map?.[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new Error(`${name} must be a string, got ${typeof value}`);
  return value;
}

function requestHeaders(given: unknown, fixed: Readonly<Record<string, string>>): OutboundHeaders {
  const headers: OutboundHeaders = {};
  if (given !== undefined && given !== null) {
    if (typeof given !== 'object' || Array.isArray(given)) throw new Error('header must be a map of name → value or list of values');
    for (const [name, value] of Object.entries(given)) {
      const lower = name.toLowerCase();
      if (value === undefined || value === null || DROPPED_HEADERS.has(lower)) continue;
      headers[lower] = Array.isArray(value) ? value.map(String) : String(value);
    }
  }
  for (const [name, value] of Object.entries(fixed)) headers[name] = value;
  return headers;
}

function joinPath(base: string, path: string): string {
  if (path === '') return base === '' ? '/' : base;
  const left = base.endsWith('/') ? base.slice(0, -1) : base;
  return left + (path.startsWith('/') ? path : `/${path}`);
}

function queryString(base: string, query: unknown): string {
  const params = new URLSearchParams(base);
  if (query !== undefined && query !== null) {
    if (typeof query !== 'object' || Array.isArray(query)) throw new Error('query must be a map of name → value or list of values');
    for (const [name, value] of Object.entries(query)) {
      for (const item of Array.isArray(value) ? value : [value]) params.append(name, String(item));
    }
  }
  const text = params.toString();
  return text === '' ? '' : `?${text}`;
}

function encodeRequestBody(body: unknown, headers: OutboundHeaders): string | Uint8Array | undefined {
  if (body === null || body === undefined) return undefined;
  const given = headers['content-type'];
  const contentType = typeof given === 'string' ? given : contentTypeFor(body, undefined);
  headers['content-type'] = contentType;
  const data = encodeBody(body, contentType);
  const encoding = headers['content-encoding'];
  return typeof encoding === 'string' ? encodeContent(data, encoding) : data;
}
