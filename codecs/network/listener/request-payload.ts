import type { FastifyRequest } from 'fastify';
import type { FormLists } from '../../_shared/http/form.ts';
import { headerLists } from '../../_shared/http/header-lists.ts';

/** The payload a listener sends for one HTTP request (uniflow §9.4); `scheme` is not known. */
export interface HttpRequestPayload {
  method: string;
  host: string;
  /** The path as sent (still percent-encoded), without the query. */
  path: string;
  query: FormLists;
  protocol: string;
  header: FormLists;
  body: unknown;
  status: 0;
}

const PROTOCOLS: Readonly<Record<string, string>> = { '1.0': 'HTTP/1.0', '1.1': 'HTTP/1.1', '2.0': 'HTTP/2.0' };

/** Builds the request payload; `query` comes from the server's querystring parser (form lists). */
export function requestPayload(request: FastifyRequest, body: unknown): HttpRequestPayload {
  const raw = request.raw;
  const url = request.url;
  const question = url.indexOf('?');
  return {
    method: request.method,
    host: raw.headers.host ?? '',
    path: question === -1 ? url : url.slice(0, question),
    query: request.query as FormLists,
    protocol: PROTOCOLS[raw.httpVersion] ?? `HTTP/${raw.httpVersion}`,
    header: headerLists(raw.rawHeaders),
    body,
    status: 0,
  };
}
