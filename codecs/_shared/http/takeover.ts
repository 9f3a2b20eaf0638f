import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';

/**
 * The process data key under which a listener leaves an HTTP upgrade request (a request with
 * an `Upgrade` header) for the node that takes it over. A node claims it with
 * `process.data.take(HTTP_TAKEOVER)` and then `claim(...)`: the listener then writes no
 * response and leaves the socket to that node.
 */
export const HTTP_TAKEOVER: unique symbol = Symbol('weft.http.takeover');

/**
 * An HTTP request whose socket a node may take over (a WebSocket handshake). Contract: whoever
 * takes it from process data must call `claim` before the process's reply, or the listener
 * answers the request itself and drops the socket.
 */
export interface HttpTakeover {
  readonly request: IncomingMessage;
  readonly socket: Duplex;
  readonly head: Buffer;
  /** True once claimed. */
  readonly claimed: boolean;
  /**
   * Takes the socket: the listener writes nothing on it. `release` runs when the listener's
   * server closes (the listener is deleted, or the engine stops) while the socket is still
   * open; it must end the connection promptly (a WebSocket closes with 1001, "going away").
   */
  claim(release: () => void): void;
}
