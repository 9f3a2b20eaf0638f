import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { Packet } from '../../../src/index.ts';
import { JSON_TYPE, stringifyJson } from '../../_shared/http/encode-body.ts';
import { parseForm } from '../../_shared/http/form.ts';
import { headerLists } from '../../_shared/http/header-lists.ts';
import { errorBody, isHttpResponse, statusOfError } from '../../_shared/http/http-response.ts';
import type { HttpTakeover } from '../../_shared/http/takeover.ts';
import type { HttpRequestPayload } from './request-payload.ts';

const PROTOCOLS: Readonly<Record<string, string>> = { '1.0': 'HTTP/1.0', '1.1': 'HTTP/1.1' };

/** The request payload of an upgrade request (no body: a handshake has none). */
export function upgradePayload(request: IncomingMessage): HttpRequestPayload {
  const url = request.url ?? '/';
  const question = url.indexOf('?');
  return {
    method: request.method ?? 'GET',
    host: request.headers.host ?? '',
    path: question === -1 ? url : url.slice(0, question),
    query: question === -1 ? {} : parseForm(url.slice(question + 1)),
    protocol: PROTOCOLS[request.httpVersion] ?? `HTTP/${request.httpVersion}`,
    header: headerLists(request.rawHeaders),
    body: null,
    status: 0,
  };
}

/** The takeover handle a listener leaves in the process data of an upgrade request. */
export class UpgradeTakeover implements HttpTakeover {
  readonly request: IncomingMessage;
  readonly socket: Duplex;
  readonly head: Buffer;
  release: (() => void) | undefined;

  constructor(request: IncomingMessage, socket: Duplex, head: Buffer) {
    this.request = request;
    this.socket = socket;
    this.head = head;
  }

  get claimed(): boolean {
    return this.release !== undefined;
  }

  claim(release: () => void): void {
    this.release = release;
  }
}

/**
 * Answers an upgrade request that no node took over, on the raw socket, then closes it: an
 * error → its status and JSON error body; a response map → its status and body; None → an
 * empty 200; anything else → a 200 with it as the body (text or JSON).
 */
export function writeRawReply(socket: Duplex, packet: Packet): number {
  let status = 200;
  let type = 'text/plain; charset=utf-8';
  let body: string | Uint8Array = '';
  const value = packet === Packet.None ? undefined : packet.payload;
  if (value instanceof Error) {
    status = statusOfError(value);
    type = JSON_TYPE;
    body = errorBody(value);
  } else if (isHttpResponse(value)) {
    status = value.status === 0 ? 200 : value.status;
    if (!Number.isInteger(status) || status < 200 || status > 599) status = 500;
    body = rawBody(value.body);
    if (typeof value.body !== 'string') type = JSON_TYPE;
  } else if (value !== undefined) {
    body = rawBody(value);
    if (typeof value !== 'string') type = value instanceof Uint8Array ? 'application/octet-stream' : JSON_TYPE;
  }
  return writeRaw(socket, status, type, body);
}

/** Writes a complete HTTP/1.1 response with Connection: close (and `headers`) on `socket`, then ends it. */
export function writeRaw(socket: Duplex, status: number, type: string, body: string | Uint8Array, headers: Readonly<Record<string, string>> = {}): number {
  if (socket.destroyed || !socket.writable) return status;
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  let extra = '';
  for (const [name, value] of Object.entries(headers)) extra += `${name}: ${value}\r\n`;
  socket.write(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\nConnection: close\r\n${extra}Content-Type: ${type}\r\nContent-Length: ${bytes.byteLength}\r\n\r\n`);
  socket.end(bytes);
  return status;
}

/** Writes an error on the raw socket of an upgrade request and closes it. */
export function writeRawError(socket: Duplex, error: Error, headers?: Readonly<Record<string, string>>): number {
  return writeRaw(socket, statusOfError(error), JSON_TYPE, errorBody(error), headers);
}

function rawBody(value: unknown): string | Uint8Array {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string' || value instanceof Uint8Array) return value;
  return stringifyJson(value);
}
