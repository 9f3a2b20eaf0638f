import { toWeftError, WeftError } from '../errors/index.ts';
import { Packet, type Reply } from '../packet/index.ts';
import type { Process } from '../process/index.ts';

/**
 * Handles one packet of one process and returns the reply (a Packet, or a Promise of one when
 * the work is asynchronous). Must not throw for bad input: return an error packet instead.
 * A throw or a rejection is still caught by the port and turned into an error packet.
 */
export type Handler = (process: Process, packet: Packet) => Reply;

/** A node's input: calls the node's handler; the handler's result is the reply. */
export class InPort {
  readonly name: string;
  #handler: Handler;
  #closed = false;

  constructor(name: string, handler: Handler) {
    this.name = name;
    this.#handler = handler;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Delivers a packet; synchronous handlers stay synchronous. */
  handle(process: Process, packet: Packet): Reply {
    if (this.#closed) return new Packet(new WeftError('ERR_NODE_CLOSED', { node: this.name }));
    try {
      const reply = this.#handler(process, packet);
      return reply instanceof Packet ? reply : reply.then(undefined, rejected);
    } catch (thrown) {
      return new Packet(toWeftError(thrown));
    }
  }

  /** Refuses further packets with ERR_NODE_CLOSED; work already inside the handler goes on. */
  close(): void {
    this.#closed = true;
  }
}

function rejected(reason: unknown): Packet {
  return new Packet(toWeftError(reason));
}
