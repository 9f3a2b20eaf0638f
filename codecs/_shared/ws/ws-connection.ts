import type { WebSocket } from 'ws';
import type { Logger, Process } from '../../../src/index.ts';
import { isFrame, outgoing, type OutgoingFrame } from './frame.ts';

/** WebSocket ready states (the ws library's constants, which are the WHATWG ones). */
const CONNECTING = 0;
const OPEN = 1;

/** Close codes weft uses (RFC 6455 §7.4.1). */
export const CLOSE_NORMAL = 1000;
export const CLOSE_GOING_AWAY = 1001;
export const CLOSE_ABNORMAL = 1006;
export const CLOSE_POLICY = 1008;
export const CLOSE_TOO_BIG = 1009;
export const CLOSE_RESTART = 1012;

/** Options of `ws` sends, shared: `ws` copies them and never keeps or changes them. */
const TEXT_OPTIONS = { binary: false } as const;
const BINARY_OPTIONS = { binary: true } as const;

/** The limits of one connection. */
export interface ConnectionLimits {
  /** At most this many bytes wait in the send buffer; a frame past it closes the connection (1008). */
  readonly sendBuffer: number;
  /** Keep-alive ping interval in ms (0: none); a peer that misses a pong for one interval is dropped. */
  readonly pingMs: number;
  /** How long a close handshake may take before the socket is dropped, in ms. */
  readonly closeTimeoutMs: number;
}

/** What a connection tells its node. */
export interface ConnectionEvents {
  message(connection: WsConnection, data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean): void;
  closed(connection: WsConnection, code: number, reason: string): void;
}

/** The result of one send: written, dropped because the buffer is full (the connection closes), or the connection is not open. */
export type SendResult = 'sent' | 'overflow' | 'closed';

/**
 * One open WebSocket held by this engine, with its process (whose id is the connection id).
 * Sending never buffers past `sendBuffer` bytes: a slow reader is closed with 1008 and what
 * would not fit is dropped and counted (logged once per connection). Pings keep it alive.
 */
export class WsConnection {
  readonly id: string;
  readonly process: Process;
  readonly socket: WebSocket;
  /** The route params of the upgrade request (the router's), carried on every event. */
  params: Readonly<Record<string, string>> | undefined;
  /** Frames dropped because the send buffer was full. */
  dropped = 0;
  /** The most bytes seen waiting in the send buffer. */
  peakBuffered = 0;
  readonly #limits: ConnectionLimits;
  readonly #events: ConnectionEvents;
  readonly #logger: Logger;
  #alive = true;
  #ping: NodeJS.Timeout | undefined;
  #closeTimer: NodeJS.Timeout | undefined;
  #closeCode: number | undefined;
  #closeReason = '';
  #closed = false;
  #done!: () => void;
  /** Resolves once the socket has closed. */
  readonly done = new Promise<void>((resolve) => (this.#done = resolve));

  constructor(socket: WebSocket, process: Process, limits: ConnectionLimits, events: ConnectionEvents, logger: Logger) {
    this.id = process.id;
    this.process = process;
    this.socket = socket;
    this.#limits = limits;
    this.#events = events;
    this.#logger = logger;
    // A block body: a listener that returns a value costs EventEmitter an extra check per frame.
    socket.on('message', (data, isBinary) => {
      events.message(this, data, isBinary);
    });
    socket.on('pong', () => (this.#alive = true));
    socket.on('error', (error: Error & { code?: string }) => {
      if (error.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') this.#closeCode ??= CLOSE_TOO_BIG;
      this.#logger.debug({ err: error, connection: this.id }, 'websocket error');
    });
    socket.on('close', (code, reason) => this.#onClose(code, reason.toString()));
    if (limits.pingMs > 0) {
      this.#ping = setInterval(() => this.#keepAlive(), limits.pingMs);
      this.#ping.unref();
    }
  }

  /** True until the connection starts closing. */
  get open(): boolean {
    return this.socket.readyState === OPEN && this.#closeCode === undefined;
  }

  /** Bytes waiting to be written to the peer now. */
  get bufferedAmount(): number {
    return this.socket.bufferedAmount;
  }

  /** Sends a value as a frame (see `outgoing`); a close request closes the connection. */
  send(value: unknown): SendResult {
    // The common case, a text reply, without an OutgoingFrame: a string of n UTF-16 units is
    // at most 3n bytes, so its exact size is needed only near the send buffer's bound.
    if (typeof value === 'string' && this.open && this.socket.bufferedAmount + value.length * 3 <= this.#limits.sendBuffer) {
      this.socket.send(value, TEXT_OPTIONS);
      this.#notePeak();
      return 'sent';
    }
    const frame = outgoing(value);
    if (!isFrame(frame)) {
      if (!this.open) return 'closed';
      this.close(frame.code, frame.reason);
      return 'sent';
    }
    return this.sendFrame(frame);
  }

  /** Sends an encoded frame, within the send buffer's bound. */
  sendFrame(frame: OutgoingFrame): SendResult {
    if (!this.open) {
      if (this.#closeCode === CLOSE_POLICY) this.dropped++;
      return 'closed';
    }
    const buffered = this.socket.bufferedAmount;
    if (buffered + frame.size > this.#limits.sendBuffer) {
      this.dropped++;
      this.#logger.warn({ connection: this.id, buffered, limit: this.#limits.sendBuffer }, 'websocket send buffer full: closing the connection (1008), dropping what it cannot take');
      this.close(CLOSE_POLICY, 'send buffer full');
      return 'overflow';
    }
    this.socket.send(frame.data, frame.binary ? BINARY_OPTIONS : TEXT_OPTIONS);
    this.#notePeak();
    return 'sent';
  }

  #notePeak(): void {
    const now = this.socket.bufferedAmount;
    if (now > this.peakBuffered) this.peakBuffered = now;
  }

  /**
   * Starts the close handshake with `code` (idempotent); the socket is dropped when the peer
   * does not answer within the close timeout. The code is the one reported on `out`.
   */
  close(code: number, reason: string): void {
    if (this.#closed || this.#closeCode !== undefined) return;
    this.#closeCode = code;
    this.#closeReason = reason;
    const state = this.socket.readyState;
    if (state === CONNECTING || state === OPEN) this.socket.close(code, reason);
    this.#closeTimer = setTimeout(() => this.socket.terminate(), this.#limits.closeTimeoutMs);
    this.#closeTimer.unref();
  }

  #keepAlive(): void {
    if (!this.#alive) {
      this.#closeCode ??= CLOSE_ABNORMAL;
      this.#closeReason ||= 'no pong within the ping interval';
      this.socket.terminate();
      return;
    }
    this.#alive = false;
    if (this.socket.readyState === OPEN) this.socket.ping();
  }

  #onClose(code: number, reason: string): void {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#ping);
    clearTimeout(this.#closeTimer);
    this.#done();
    this.#events.closed(this, this.#closeCode ?? code, this.#closeCode === undefined ? reason : this.#closeReason || reason);
  }
}
