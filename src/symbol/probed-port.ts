import { Packet, type Reply } from '../packet/index.ts';
import { InPort } from '../port/index.ts';
import type { Process } from '../process/index.ts';
import type { LinkProbe } from './link-observer.ts';

/**
 * An in-port standing in front of `target` for one link: `handle` delivers to the target
 * between the probe's `enter` and `leave`. It overrides `handle` itself rather than wrapping a
 * receiver, one call less per hop (bench:kernel, chain-observed). Closing it is a no-op: the
 * target's own port refuses packets once its node closes.
 */
export class ProbedPort extends InPort {
  /** The in-port the link really targets (a rebind to the same one keeps this port). */
  readonly target: InPort;
  readonly #probe: LinkProbe;

  constructor(target: InPort, probe: LinkProbe) {
    super(target.name, (process, packet) => target.handle(process, packet));
    this.target = target;
    this.#probe = probe;
  }

  override handle(process: Process, packet: Packet): Reply {
    const probe = this.#probe;
    const token = probe.enter(process, packet);
    const reply = this.target.handle(process, packet);
    if (reply instanceof Packet) {
      probe.leave(process, reply, token);
      return reply;
    }
    return reply.then((settled) => {
      probe.leave(process, settled, token);
      return settled;
    });
  }

  override close(): void {}
}
