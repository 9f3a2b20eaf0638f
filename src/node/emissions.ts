import { mergePackets, Packet, type Reply } from '../packet/index.ts';
import type { OutPort } from '../port/index.ts';
import type { Process } from '../process/index.ts';

/**
 * The push side of a node: what one input made it emit, on any out-ports, zero, one or many
 * packets, without the node awaiting any reply. Each `emit` writes at once (fan-out to every
 * link, in link order; per-link order is the emit order); `settled` is the node's reply for the
 * input: it settles once every emitted write has (nothing of that input is in flight any more),
 * with the writes' replies merged in emit order (mergePackets: an error wins, one value stays
 * itself, several become a list, none is `None`). Synchronous writes cost no promise.
 */
export class Emissions {
  #first: Reply | undefined;
  #rest: Reply[] | undefined;
  #pending = false;

  /** How many packets were emitted so far. */
  get count(): number {
    return this.#first === undefined ? 0 : 1 + (this.#rest?.length ?? 0);
  }

  /** Writes `packet` of `process` to `port` now; its reply joins the settled reply. */
  emit(port: OutPort, process: Process, packet: Packet): void {
    this.add(port.write(process, packet));
  }

  /** Writes each payload as its own packet, in order. */
  emitBatch(port: OutPort, process: Process, payloads: readonly unknown[]): void {
    for (const payload of payloads) this.add(port.write(process, new Packet(payload)));
  }

  /** Adds a reply obtained elsewhere (a write the node made itself). */
  add(reply: Reply): void {
    if (!(reply instanceof Packet)) this.#pending = true;
    if (this.#first === undefined) this.#first = reply;
    else (this.#rest ??= []).push(reply);
  }

  /** The reply for the input: once every emitted write settled, their replies merged in emit order. */
  settled(): Reply {
    const first = this.#first;
    if (first === undefined) return Packet.None;
    const rest = this.#rest;
    if (rest === undefined) return first;
    const all = [first, ...rest];
    if (!this.#pending) return mergePackets(all as Packet[]);
    return Promise.all(all).then(mergePackets);
  }
}
