import { WeftError } from '../errors/index.ts';
import { Packet } from '../packet/index.ts';
import { InPort, type PacketReceiver } from '../port/index.ts';

/**
 * What a link to a node that cannot serve is bound to: an in-port answering every packet with
 * ERR_NODE_UNAVAILABLE (503) naming the target and why (not loaded, failed to load or to
 * activate). So a missing or broken node fails only the paths through it; the rest of the
 * workflow (a listener and its other routes) keeps serving. The reason is read per packet,
 * so it follows the loader's latest failure without relinking.
 */
export function unavailablePort(node: string, port: string, reason: () => string): InPort {
  return new InPort(port, new UnavailableReceiver(node, reason));
}

class UnavailableReceiver implements PacketReceiver {
  readonly #node: string;
  readonly #reason: () => string;

  constructor(node: string, reason: () => string) {
    this.#node = node;
    this.#reason = reason;
  }

  receive(): Packet {
    return new Packet(new WeftError('ERR_NODE_UNAVAILABLE', { node: this.#node, reason: this.#reason() }));
  }
}
