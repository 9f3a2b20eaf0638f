import type { Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Process } from '../../../src/index.ts';

/**
 * The open connections of one server and the request processes in flight on each (several
 * when a client pipelines). A connection that closes while it still has some calls
 * `onClosed` for each: its client will never read the reply. A socket an upgrade took over
 * (`takeOver`) is tracked apart until it closes. One listener per connection,
 * none per request; a request costs a Set add and delete.
 */
export class Connections {
  readonly #open = new Map<Socket, Set<Process>>();
  /** Sockets taken over by an upgrade (WebSockets), with what ends each when the server closes. */
  readonly #upgraded = new Map<Socket, () => void>();
  readonly #onClosed: (process: Process) => void;
  #closing = false;

  constructor(server: Server, onClosed: (process: Process) => void) {
    this.#onClosed = onClosed;
    server.on('connection', (socket: Socket) => {
      this.#open.set(socket, new Set());
      socket.once('close', () => this.#closed(socket));
    });
    // Node's socket inactivity timeout (server.timeout) runs from the connection to its first
    // reply. headersTimeout does not cover a connection that never sends a byte, so an idle
    // one is closed here; one whose request is being worked on is left alone.
    server.on('timeout', (socket: Socket) => {
      if (this.#open.get(socket)?.size !== 0) return;
      socket.destroy();
    });
  }

  /** True once `drop` ran: a reply should close its connection. */
  get closing(): boolean {
    return this.#closing;
  }

  /** How many connections are open. */
  get size(): number {
    return this.#open.size;
  }

  /** Records a request process started on `socket`. */
  begin(socket: Socket, process: Process): void {
    this.#open.get(socket)?.add(process);
  }

  /** Records that the reply of `process` was written (or given up). */
  end(socket: Socket, process: Process): void {
    this.#open.get(socket)?.delete(process);
  }

  /**
   * Records that `socket` was taken over by an upgrade: it is no longer an HTTP connection
   * (`drop` leaves it alone) and `release` ends it when the server closes.
   */
  takeOver(socket: Socket, release: () => void): void {
    if (!this.#open.has(socket)) return;
    this.#open.delete(socket);
    this.#upgraded.set(socket, release);
  }

  /** How many upgraded sockets (WebSockets) are open. */
  get upgraded(): number {
    return this.#upgraded.size;
  }

  /**
   * For a server that stops: destroys every connection with no request in flight (idle ones,
   * and ones still sending headers or a body, such as a slowloris that would otherwise hold
   * the close for its whole timeout); the others close after their reply.
   */
  drop(): void {
    this.#closing = true;
    for (const [socket, inFlight] of this.#open) if (inFlight.size === 0) socket.destroy();
    for (const release of this.#upgraded.values()) {
      try {
        release();
      } catch {
        // A release that fails must not keep the server from closing the others.
      }
    }
  }

  #closed(socket: Socket): void {
    const inFlight = this.#open.get(socket);
    this.#open.delete(socket);
    this.#upgraded.delete(socket);
    if (inFlight !== undefined) for (const process of inFlight) this.#onClosed(process);
  }
}
