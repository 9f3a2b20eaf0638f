import { WeftError } from '../errors/index.ts';
import { mergePackets, Packet, type Reply } from '../packet/index.ts';
import type { Process } from '../process/index.ts';
import type { InPort } from './in-port.ts';

/**
 * A node's output: the in-ports it is linked to. `write` is forward propagation as a call and
 * the reply as its return value: no link → the packet itself; one → that port's reply;
 * several → their replies merged in link order. Links are an immutable array replaced on
 * every change, so a write in progress keeps the links it started with.
 */
export class OutPort {
  readonly name: string;
  #links: readonly InPort[] = [];
  /** The one linked port when there is exactly one (the common case), else undefined. */
  #single: InPort | undefined;

  constructor(name: string) {
    this.name = name;
  }

  get links(): readonly InPort[] {
    return this.#links;
  }

  link(target: InPort): void {
    if (!this.#links.includes(target)) this.#set([...this.#links, target]);
  }

  unlink(target: InPort): void {
    if (this.#links.includes(target)) this.#set(this.#links.filter((port) => port !== target));
  }

  /** Replaces one linked in-port by another in place, keeping the link order. */
  relink(from: InPort, to: InPort): void {
    if (this.#links.includes(from)) this.#set(this.#links.map((port) => (port === from ? to : port)));
  }

  /** Sets all links at once (one array swap); a no-op when they are already these, in order. */
  setLinks(targets: readonly InPort[]): void {
    const current = this.#links;
    if (current.length === targets.length && current.every((port, i) => port === targets[i])) return;
    this.#set([...targets]);
  }

  unlinkAll(): void {
    this.#set([]);
  }

  /**
   * Delivers a packet of a process to every linked in-port. A process that has ended (its client
   * went away, its deadline passed) gets the error it ended with (ERR_PROCESS_EXITED when none)
   * instead, so its remaining work (a snippet linked to itself) stops at the next hop. A write to
   * no link returns the packet itself, as ever.
   */
  write(process: Process, packet: Packet): Reply {
    const single = this.#single;
    if (single !== undefined) return process.state === 'exited' ? exited(this.name, process) : single.handle(process, packet);
    const links = this.#links;
    if (links.length === 0) return packet;
    return process.state === 'exited' ? exited(this.name, process) : fanOut(links, process, packet);
  }

  #set(links: readonly InPort[]): void {
    this.#links = links;
    this.#single = links.length === 1 ? links[0] : undefined;
  }
}

function fanOut(links: readonly InPort[], process: Process, packet: Packet): Reply {
  const replies: Reply[] = new Array<Reply>(links.length);
  let pending = false;
  for (let i = 0; i < links.length; i++) {
    const reply = links[i]!.handle(process, packet);
    if (!(reply instanceof Packet)) pending = true;
    replies[i] = reply;
  }
  if (!pending) return mergePackets(replies as Packet[]);
  return Promise.all(replies).then(mergePackets);
}

/** Why the write of an ended process is refused: the error it ended with (a deadline: 504), else ERR_PROCESS_EXITED. */
function exited(port: string, process: Process): Packet {
  return new Packet(process.error ?? new WeftError('ERR_PROCESS_EXITED', { node: `out-port "${port}"` }));
}
