import { validateHeaderName, validateHeaderValue } from 'node:http';
import type { FastifyReply } from 'fastify';
import { Packet, WeftError } from '../../../src/index.ts';
import { encodeContent } from '../../_shared/http/content-encoding.ts';
import { contentTypeFor, encodeBody, JSON_TYPE } from '../../_shared/http/encode-body.ts';
import { DROPPED_HEADERS, errorBody, isHttpResponse, statusOfError, type HttpResponseMap } from '../../_shared/http/http-response.ts';

/**
 * Writes a workflow's reply as the HTTP response and returns its status: `None` → empty 200; a
 * response map `{status, header?, body?}` (status 0 → 200); an error → its status with a JSON
 * error body; anything else → the body of a 200. The body's Content-Type is the one the reply
 * sets, else negotiated against `accept`. Throws (before sending) for a reply it cannot write:
 * ERR_REPLY_STATUS for a status outside 200–599, ERR_REPLY_HEADER for a header name that is not
 * a token or a value with CR, LF or another control character (no header injection), naming
 * the listener `node`; the caller then answers 500.
 */
export function writeReply(reply: FastifyReply, packet: Packet, accept: string | undefined, node: string): number {
  if (packet === Packet.None) {
    reply.send();
    return 200;
  }
  const value = packet.payload;
  if (value instanceof Error) return writeError(reply, value);
  if (!isHttpResponse(value)) {
    reply.send(encodeTyped(reply, value, undefined, accept));
    return 200;
  }
  return writeResponse(reply, value, accept, node);
}

/** Answers with an error: its status (internal → a generic 500) and a JSON body. */
export function writeError(reply: FastifyReply, error: Error): number {
  const status = statusOfError(error);
  reply.code(status).header('content-type', JSON_TYPE).send(errorBody(error));
  return status;
}

/** Drops whatever a failed write set and answers `error`; never throws (drops the socket instead). */
export function writeFailure(reply: FastifyReply, error: Error): number {
  try {
    if (reply.sent) return 500;
    for (const name of Object.keys(reply.getHeaders())) reply.removeHeader(name);
    return writeError(reply, error);
  } catch {
    reply.raw.destroy();
    return 500;
  }
}

function writeResponse(reply: FastifyReply, response: HttpResponseMap, accept: string | undefined, node: string): number {
  const status = response.status === 0 ? 200 : response.status;
  if (!Number.isInteger(status) || status < 200 || status > 599) throw new WeftError('ERR_REPLY_STATUS', { node, status: String(status) });
  const body = response.body;
  reply.code(status);
  if (response.header !== undefined) setHeaders(reply, response.header, node);
  if (body === undefined || body === null) {
    reply.send();
    return status;
  }
  const contentType = reply.getHeader('content-type');
  const contentEncoding = reply.getHeader('content-encoding');
  let data = typeof contentType === 'string' && typeof body === 'string' ? body : encodeTyped(reply, body, contentType, accept);
  if (typeof contentEncoding === 'string') data = encodeContent(data, contentEncoding);
  reply.send(data);
  return status;
}

/** Encodes a body as the type the reply set, or else as the negotiated one (and sets it). */
function encodeTyped(reply: FastifyReply, body: unknown, contentType: unknown, accept: string | undefined): string | Uint8Array {
  if (typeof contentType === 'string') return encodeBody(body, contentType);
  const type = contentTypeFor(body, accept);
  reply.header('content-type', type);
  return encodeBody(body, type);
}

/** Copies the reply's headers (strings, numbers or lists of them), skipping DROPPED_HEADERS. */
function setHeaders(reply: FastifyReply, header: Readonly<Record<string, unknown>>, node: string): void {
  for (const name in header) {
    const value = header[name];
    const lower = name.toLowerCase();
    if (value === undefined || value === null || DROPPED_HEADERS.has(lower)) continue;
    const text = Array.isArray(value) ? value.map(String) : String(value);
    try {
      validateHeaderName(name);
      for (const item of Array.isArray(text) ? text : [text]) validateHeaderValue(name, item);
    } catch (thrown) {
      const reason = (thrown as { code?: string }).code === 'ERR_INVALID_HTTP_TOKEN' ? 'the name is not an HTTP token' : 'the value holds CR, LF or another character a header cannot carry';
      throw new WeftError('ERR_REPLY_HEADER', { node, header: printable(name), reason }, { cause: thrown });
    }
    reply.header(lower, text);
  }
}

/** A header name as it may appear in a message and a log line: control characters escaped, at most 100 characters. */
function printable(name: string): string {
  return JSON.stringify(name.slice(0, 100)).slice(1, -1);
}
