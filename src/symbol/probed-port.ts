import { Packet, type Reply } from '../packet/index.ts';
import { InPort, type PacketReceiver } from '../port/index.ts';
import type { Process } from '../process/index.ts';
import type { LinkProbe } from './link-observer.ts';

/** Delivers to the target in-port between the probe's `enter` and `leave`. */
class ProbedReceiver implements PacketReceiver {
  readonly #target: InPort;
  readonly #probe: LinkProbe;

  constructor(target: InPort, probe: LinkProbe) {
    this.#target = target;
    this.#probe = probe;
  }

  receive(process: Process, packet: Packet): Reply {
    const probe = this.#probe;
    const token = probe.enter(process, packet);
    const reply = this.#target.handle(process, packet);
    if (reply instanceof Packet) {
      probe.leave(process, reply, token);
      return reply;
    }
    return reply.then((settled) => {
      probe.leave(process, settled, token);
      return settled;
    });
  }
}

/** An in-port standing in front of `target` for one link, reporting each hop to `probe`. */
export class ProbedPort extends InPort {
  /** The in-port the link really targets (a rebind to the same one keeps this port). */
  readonly target: InPort;

  constructor(target: InPort, probe: LinkProbe) {
    super(target.name, new ProbedReceiver(target, probe));
    this.target = target;
  }
}
