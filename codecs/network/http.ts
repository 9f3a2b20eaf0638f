import { validateHeaderName, validateHeaderValue } from 'node:http';
import { Type } from '@sinclair/typebox';
import type { Pool } from 'undici';
import { defineKind, OneToOneNode, Packet, WeftError, type Problem, type Process } from '../../src/index.ts';
import { delayProblem } from '../_shared/abortable-delay.ts';
import { durationMs, durationSchema } from '../_shared/duration.ts';
import { traceparentOf } from '../_shared/trace-context.ts';
import { startChildSpan } from '../_shared/trace/child-span.ts';
import { endProcessSpan, traceparent as traceparentOfSpan } from '../_shared/trace/process-span.ts';
import { outboundRequest, type RequestDefaults } from './http/outbound-request.ts';
import { readResponse } from './http/read-response.ts';
import { transportError, type Interruption } from './http/transport-error.ts';

/** The kind name. */
export const kind = 'http';

/** The default time limit of one request, from sending it to the last byte of the response. */
export const DEFAULT_TIMEOUT_MS = 30_000;
/** The default largest response body read (16 MiB). */
export const DEFAULT_MAX_RESPONSE_BYTES = 16 * 1024 * 1024;
/** The default number of connections the node keeps to its origin. */
export const DEFAULT_CONNECTIONS = 32;
/** How long closing waits for requests in flight before it cuts their connections. */
const CLOSE_GRACE_MS = 1000;

/** The http client's own spec fields. */
export const schema = Type.Object({
  url: Type.String({ minLength: 1, description: 'The http:// or https:// URL called; it fixes scheme and host, and its path and query go in front of the payload\'s.' }),
  method: Type.Optional(Type.String({ pattern: '^[A-Za-z]+$', description: 'The method when the payload names none; default GET without a body, POST with one.' })),
  timeout: Type.Optional(durationSchema('Time limit of one call, from sending to the last byte of the response (default 30s).')),
  headers: Type.Optional(Type.Record(Type.String({ minLength: 1 }), Type.String(), { description: 'Headers set on every request; they replace the payload\'s headers of the same name.' })),
  maxResponseBytes: Type.Optional(Type.Integer({ minimum: 0, description: 'The largest response body accepted, in bytes (default 16 MiB); a larger one is ERR_HTTP_RESPONSE_TOO_LARGE.' })),
  connections: Type.Optional(Type.Integer({ minimum: 1, maximum: 1024, description: 'The most connections kept open to the origin at once (default 32); more calls wait for one.' })),
});

/** What a HttpClientNode needs: the spec's settings, resolved. */
export interface HttpClientOptions {
  readonly url: URL;
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly timeoutMs?: number;
  readonly maxResponseBytes?: number;
  readonly connections?: number;
}

interface Client {
  /** Made on the first call, when undici is loaded (an engine without http nodes never loads it). */
  pool: Pool | undefined;
  closed: boolean;
  readonly origin: string;
  readonly connections: number;
  readonly defaults: RequestDefaults;
  readonly timeoutMs: number;
  readonly maxResponseBytes: number;
}

/**
 * Calls an HTTP server (uniflow §9.4 `http`): each packet becomes a request to the spec's
 * origin (see `outboundRequest`) and the reply is `{status, header, body}`, the body decoded by
 * the response's Content-Type. Any status is a reply; transport failures are coded errors on
 * `error`. One undici connection pool per node, closed with the node; the process's end
 * cancels its call; the process's trace context goes out as `traceparent`.
 */
export class HttpClientNode extends OneToOneNode {
  readonly #client: Client;

  constructor(options: HttpClientOptions) {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(options.headers ?? {})) headers[name.toLowerCase()] = value;
    const client: Client = {
      pool: undefined,
      closed: false,
      origin: options.url.origin,
      connections: options.connections ?? DEFAULT_CONNECTIONS,
      defaults: { url: options.url, method: options.method, headers },
      timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      maxResponseBytes: options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
    };
    super((process, packet) => call(client, process, packet));
    this.#client = client;
  }

  override async close(): Promise<void> {
    super.close();
    this.#client.closed = true;
    const pool = this.#client.pool;
    if (pool === undefined) return;
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise<'late'>((resolve) => (timer = setTimeout(() => resolve('late'), CLOSE_GRACE_MS)));
    try {
      if ((await Promise.race([pool.close(), grace])) === 'late') await pool.destroy();
    } catch {
      // Closing must not throw (Node contract); the pool's sockets are gone either way.
    } finally {
      clearTimeout(timer);
    }
  }
}

let undici: Promise<{ readonly Pool: typeof Pool }> | undefined;

async function openPool(client: Client): Promise<Pool> {
  undici ??= import('undici');
  const { Pool } = await undici;
  if (client.closed) throw new Error('the http node closed');
  client.pool ??= new Pool(client.origin, { connections: client.connections });
  return client.pool;
}

async function call(client: Client, process: Process, packet: Packet): Promise<Packet> {
  const origin = client.defaults.url.origin;
  if (process.signal.aborted) return new Packet(transportError(process.signal.reason, origin, 'aborted', client.timeoutMs));
  let request;
  try {
    request = outboundRequest(packet.payload, client.defaults);
  } catch (thrown) {
    return new Packet(new WeftError('ERR_HTTP_CLIENT_INPUT', { reason: thrown instanceof Error ? thrown.message : String(thrown) }, { cause: thrown }));
  }
  const url = origin + request.path.replace(/\?.*$/, '');
  const span = startChildSpan(process, request.method, 'client', { 'http.request.method': request.method, 'url.full': url, 'server.address': client.defaults.url.hostname });
  const traceparent = span === undefined ? traceparentOf(process) : traceparentOfSpan(span.spanContext());
  if (traceparent !== undefined) request.headers.traceparent = traceparent;
  const controller = new AbortController();
  let interruption: Interruption;
  const timer = setTimeout(() => {
    interruption = 'timeout';
    controller.abort();
  }, client.timeoutMs);
  const onAbort = (): void => {
    interruption ??= 'aborted';
    controller.abort();
  };
  process.signal.addEventListener('abort', onAbort, { once: true });
  try {
    const pool = client.pool ?? (await openPool(client));
    const response = await pool.request({
      ...request,
      signal: controller.signal,
      // The node's own timer bounds the whole call; undici's per-phase timers only back it up.
      headersTimeout: client.timeoutMs + CLOSE_GRACE_MS,
      bodyTimeout: client.timeoutMs + CLOSE_GRACE_MS,
    });
    if (span !== undefined) span.setAttribute('http.response.status_code', response.statusCode);
    const read = await readResponse(response, url, client.maxResponseBytes);
    if (span !== undefined) endProcessSpan(span, response.statusCode >= 400 ? new Error(`HTTP ${response.statusCode}`) : undefined);
    return new Packet(read);
  } catch (thrown) {
    const failure = transportError(thrown, url, interruption, client.timeoutMs);
    if (span !== undefined) endProcessSpan(span, failure);
    return new Packet(failure);
  } finally {
    clearTimeout(timer);
    process.signal.removeEventListener('abort', onAbort);
  }
}

function validate(spec: { url: string; timeout?: string | number; headers?: Record<string, string> }): Problem[] {
  const problems: Problem[] = [];
  let url: URL | undefined;
  try {
    url = new URL(spec.url);
  } catch {
    problems.push({ path: 'url', code: 'ERR_SPEC_INVALID', message: 'must be an absolute URL (http://host/…)' });
  }
  if (url !== undefined && url.protocol !== 'http:' && url.protocol !== 'https:') {
    problems.push({ path: 'url', code: 'ERR_SPEC_INVALID', message: 'must be an http:// or https:// URL' });
  } else if (url !== undefined && (url.username !== '' || url.password !== '')) {
    problems.push({ path: 'url', code: 'ERR_SPEC_INVALID', message: 'must not carry credentials; set an Authorization header in headers' });
  }
  if (spec.timeout !== undefined) {
    const problem = delayProblem('timeout', spec.timeout);
    if (problem !== undefined) problems.push(problem);
    else if (durationMs(spec.timeout) <= 0) problems.push({ path: 'timeout', code: 'ERR_SPEC_INVALID', message: 'must be more than 0' });
  }
  for (const [name, value] of Object.entries(spec.headers ?? {})) {
    try {
      validateHeaderName(name);
      validateHeaderValue(name, value);
    } catch (thrown) {
      problems.push({ path: `headers.${name}`, code: 'ERR_SPEC_INVALID', message: (thrown as Error).message });
    }
  }
  return problems;
}

/** `http`: an HTTP client (uniflow §9.4). */
export const definition = defineKind({
  kind,
  description: 'Sends each packet as an HTTP request to url; the reply is {status, header, body}; transport failures go to error.',
  schema,
  ports: { in: ['in'], out: ['out', 'error'] },
  validate,
  codec: (spec) => new HttpClientNode({
    url: new URL(spec.url),
    method: spec.method,
    headers: spec.headers,
    timeoutMs: spec.timeout === undefined ? undefined : durationMs(spec.timeout),
    maxResponseBytes: spec.maxResponseBytes,
    connections: spec.connections,
  }),
});
