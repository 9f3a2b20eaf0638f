import { toWeftError, WeftError } from '../errors/index.ts';
import { Packet, type Reply } from '../packet/index.ts';
import type { Process } from '../process/index.ts';

/**
 * Handles one packet of one process and returns the reply (a Packet, or a Promise of one when
 * the work is asynchronous). Must not throw for bad input: return an error packet instead.
 * A throw or a rejection is still caught by the port and turned into an error packet.
 */
export type Handler = (process: Process, packet: Packet) => Reply;

/**
 * An object that handles the packets of an in-port, usually the node itself. Unlike a Handler,
 * `receive` must neither throw nor reject: failures are error packets (the node shapes catch
 * their actions). Preferred on hot paths: a method call on a node class stays monomorphic and V8
 * inlines it, where a per-node closure does not (bench:kernel measured the difference).
 */
export interface PacketReceiver {
  receive(process: Process, packet: Packet): Reply;
}

/** Adapts a Handler function to a PacketReceiver, turning a throw or a rejection into an error packet. */
class FunctionReceiver implements PacketReceiver {
  readonly #handler: Handler;

  constructor(handler: Handler) {
    this.#handler = handler;
  }

  receive(process: Process, packet: Packet): Reply {
    try {
      const reply = this.#handler(process, packet);
      return reply instanceof Packet ? reply : reply.then(undefined, rejected);
    } catch (thrown) {
      return new Packet(toWeftError(thrown));
    }
  }
}

/** What a closed port answers: ERR_NODE_CLOSED, without calling the node. */
class ClosedReceiver implements PacketReceiver {
  readonly #name: string;

  constructor(name: string) {
    this.#name = name;
  }

  receive(): Packet {
    return new Packet(new WeftError('ERR_NODE_CLOSED', { node: `in-port "${this.#name}"` }));
  }
}

/** A node's input: calls its receiver; the receiver's result is the reply. */
export class InPort {
  readonly name: string;
  #receiver: PacketReceiver;

  constructor(name: string, receiver: PacketReceiver | Handler) {
    this.name = name;
    this.#receiver = typeof receiver === 'function' ? new FunctionReceiver(receiver) : receiver;
  }

  get closed(): boolean {
    return this.#receiver instanceof ClosedReceiver;
  }

  /** Delivers a packet; synchronous receivers stay synchronous. */
  handle(process: Process, packet: Packet): Reply {
    return this.#receiver.receive(process, packet);
  }

  /** Refuses further packets with ERR_NODE_CLOSED; work already inside the receiver goes on. */
  close(): void {
    if (!this.closed) this.#receiver = new ClosedReceiver(this.name);
  }
}

function rejected(reason: unknown): Packet {
  return new Packet(toWeftError(reason));
}
