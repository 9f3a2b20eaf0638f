import type { Packet } from '../packet/index.ts';
import type { Process } from '../process/index.ts';

/** One end of an observed link: a node (by name, else id), its kind, and the port. */
export interface LinkEnd {
  readonly node: string;
  readonly kind: string;
  readonly port: string;
}

/** A link of a namespace as observers see it: source node/out-port → target node/in-port. */
export interface ObservedLink {
  readonly namespace: string;
  readonly source: LinkEnd;
  readonly target: LinkEnd;
}

/**
 * What watches the packets crossing one link, made by `LinkObserver.probe` once per bound link
 * (so it holds direct references to its counters: no lookup per packet). `enter` runs before
 * the target's in-port handles a packet and returns a token (a start time, a span) that
 * `leave` gets with the reply, once it has settled. Both run on the hot path: they must be
 * cheap, must not throw, and must not keep the packet or process beyond the call (copy what
 * they need).
 */
export interface LinkProbe {
  enter(process: Process, packet: Packet): unknown;
  leave(process: Process, reply: Packet, token: unknown): void;
}

/**
 * The kernel's one observation hook for node hops (metrics, the event stream, tracing spans
 * attach here). Given to a SymbolTable, it makes every link the table binds go through a
 * probing in-port in front of the target's: one extra call per hop, plus whatever the probe
 * does. Without an observer, links bind the target's in-port directly and cost nothing.
 * `probe` runs when a link is (re)bound, never per packet; a link bound again to the same
 * target keeps its probe.
 */
export interface LinkObserver {
  probe(link: ObservedLink): LinkProbe;
}
