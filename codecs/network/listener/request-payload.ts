import type { FastifyRequest } from 'fastify';
import type { Principal } from '../../../src/index.ts';
import type { FormLists } from '../../_shared/http/form.ts';
import { headerLists } from '../../_shared/http/header-lists.ts';
import { defineLazyBody, type LazyBody } from '../../_shared/http/lazy-body.ts';
import { authView } from './listener-auth.ts';

/** The payload a listener sends for one HTTP request (uniflow §9.4); `scheme` is not known. */
export interface HttpRequestPayload {
  method: string;
  host: string;
  /** The path as sent (still percent-encoded), without the query. */
  path: string;
  query: FormLists;
  protocol: string;
  header: FormLists;
  /** Decoded at the first read when the request has a body (an accessor over a LazyBody). */
  body: unknown;
  status: 0;
  /** Who sent the request, when the listener has `auth` (never the credential itself). */
  auth?: Record<string, unknown>;
}

const PROTOCOLS: Readonly<Record<string, string>> = { '1.0': 'HTTP/1.0', '1.1': 'HTTP/1.1', '2.0': 'HTTP/2.0' };

/**
 * Builds the request payload; `query` comes from the server's querystring parser (form lists).
 * `body` is null for a request without one, else read through `body` on first use.
 */
export function requestPayload(request: FastifyRequest, body: LazyBody | null, principal?: Principal): HttpRequestPayload {
  const raw = request.raw;
  const url = request.url;
  const question = url.indexOf('?');
  const payload: HttpRequestPayload = {
    method: request.method,
    host: raw.headers.host ?? '',
    path: question === -1 ? url : url.slice(0, question),
    query: request.query as FormLists,
    protocol: PROTOCOLS[raw.httpVersion] ?? `HTTP/${raw.httpVersion}`,
    header: headerLists(raw.rawHeaders),
    body: null,
    status: 0,
  };
  if (principal !== undefined) payload.auth = authView(principal);
  return body === null ? payload : defineLazyBody(payload, body);
}
