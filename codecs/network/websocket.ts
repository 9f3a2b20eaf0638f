import { Type } from '@sinclair/typebox';
import { defineKind, Packet, WeftError, type CodecContext, type Problem, type Process, type Reply } from '../../src/index.ts';
import { durationMs, durationSchema } from '../_shared/duration.ts';
import { redactUrl } from '../_shared/http/redact-url.ts';
import type { ConnectionLimits } from '../_shared/ws/ws-connection.ts';
import { wsLibrary } from '../_shared/ws/ws-library.ts';
import { WsNode } from '../_shared/ws/ws-node.ts';

/** The kind name. */
export const kind = 'websocket';

/** The websocket client's own spec fields. */
export const schema = Type.Object({
  url: Type.String({ pattern: '^wss?://', description: 'The ws:// or wss:// URL to dial.' }),
  timeout: Type.Optional(durationSchema('How long the connect and opening handshake may take (ERR_WS_TIMEOUT past it); also the close handshake’s bound. Default 10s.')),
  headers: Type.Optional(Type.Record(Type.String(), Type.String(), { description: 'Headers sent with the opening handshake.' })),
  maxPayload: Type.Optional(Type.Integer({ minimum: 1, description: 'The largest message accepted, in bytes (1009 past it). Default 1048576.' })),
  sendBuffer: Type.Optional(Type.Integer({ minimum: 1, description: 'The most bytes that may wait to be sent (1008 past it). Default 4194304.' })),
  ping: Type.Optional(durationSchema('Keep-alive ping interval; 0 (the default) sends none.')),
});

/** Options of a WebSocketClientNode, with defaults filled in. */
export interface WebSocketClientOptions extends ConnectionLimits {
  readonly name: string;
  readonly url: string;
  readonly timeoutMs: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly maxPayload: number;
  readonly context: CodecContext;
}

/**
 * Dials a WebSocket server (`io`) and holds the connection for the calling process: the
 * connection's process is its child, so the caller lives until the connection closes, and
 * ending the caller closes it. Frames arrive on `out` as with the upgrader (WsNode); `in`
 * sends. Failures go to `error` (or are the reply): ERR_WS_CONNECT, ERR_WS_TIMEOUT.
 */
export class WebSocketClientNode extends WsNode {
  readonly url: string;
  readonly #options: WebSocketClientOptions;

  constructor(options: WebSocketClientOptions) {
    super(options.name, kind, options.context);
    this.url = options.url;
    this.#options = options;
  }

  protected open(process: Process, _packet: Packet): Reply {
    const { url, timeoutMs, headers, maxPayload } = this.#options;
    return new Promise<Packet>((resolve) => {
      const socket = new (wsLibrary().WebSocket)(url, { handshakeTimeout: timeoutMs, headers, maxPayload, perMessageDeflate: false });
      let settled = false;
      const fail = (error: WeftError): void => {
        if (settled) return;
        settled = true;
        socket.terminate();
        resolve(this.errorPort.links.length === 0 ? new Packet(error) : this.errorPort.write(process, new Packet(error)));
      };
      const printable = redactUrl(url);
      socket.once('unexpected-response', (_request, response) => {
        fail(new WeftError('ERR_WS_CONNECT', { url: printable, reason: `the server answered ${response.statusCode ?? '?'} instead of 101` }));
      });
      socket.once('error', (error: Error & { code?: string }) => {
        if (/timed out/i.test(error.message)) fail(new WeftError('ERR_WS_TIMEOUT', { url: printable, ms: String(timeoutMs) }, { cause: error }));
        else fail(new WeftError('ERR_WS_CONNECT', { url: printable, reason: error.code ?? error.message }, { cause: error }));
      });
      socket.once('open', () => {
        if (settled) return;
        settled = true;
        socket.on('error', () => undefined);
        this.attach(socket, this.#options, process, { url: printable }, true);
        resolve(Packet.None);
      });
    });
  }
}

function validate(spec: { timeout?: string | number }): Problem[] {
  if (spec.timeout !== undefined && durationMs(spec.timeout) <= 0) return [{ path: 'timeout', code: 'ERR_SPEC_INVALID', message: 'must be longer than 0' }];
  return [];
}

/** `websocket`: the client side of WebSockets (uniflow §9.4). */
export const definition = defineKind({
  kind,
  description: 'Dials a WebSocket server on io and holds the connection for the process; frames go to out as {type, data, connection}; in sends a frame.',
  schema,
  ports: { in: ['io', 'in'], out: ['out', 'error'] },
  validate,
  codec: (spec, context) => {
    const timeoutMs = spec.timeout === undefined ? 10_000 : durationMs(spec.timeout);
    return new WebSocketClientNode({
      name: spec.name ?? spec.id ?? kind, url: spec.url, context, timeoutMs, headers: spec.headers ?? {},
      maxPayload: spec.maxPayload ?? 1 << 20, sendBuffer: spec.sendBuffer ?? 4 << 20,
      pingMs: spec.ping === undefined ? 0 : durationMs(spec.ping), closeTimeoutMs: timeoutMs,
    });
  },
});
