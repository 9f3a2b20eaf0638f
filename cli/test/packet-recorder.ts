import type { LinkProbe, ObservedLink, Packet, Process, RuntimeObserver } from '../../src/index.ts';
import { plain } from './match-value.ts';

/** One packet seen crossing a link: the out-port it left and the in-port it reached. */
export interface SeenPacket {
  readonly source: { readonly node: string; readonly port: string };
  readonly target: { readonly node: string; readonly port: string };
  readonly payload: unknown;
}

/**
 * The RuntimeObserver of a test case: records every packet crossing a link (as plain data,
 * copied at the hop, so later changes do not show), in the order they crossed.
 */
export class PacketRecorder implements RuntimeObserver {
  readonly seen: SeenPacket[] = [];

  probe(link: ObservedLink): LinkProbe {
    const source = { node: link.source.node, port: link.source.port };
    const target = { node: link.target.node, port: link.target.port };
    return {
      enter: (_process: Process, packet: Packet) => {
        this.record(source, target, packet.payload);
        return undefined;
      },
      leave: () => undefined,
    };
  }

  /** Records a packet (also the case's own input, which crosses no link of the namespace). */
  record(source: SeenPacket['source'], target: SeenPacket['target'], payload: unknown): void {
    let copy: unknown;
    try {
      copy = plain(payload);
    } catch {
      copy = String(payload);
    }
    this.seen.push({ source, target, payload: copy });
  }

  /** The packets seen on `port` of `node`: leaving it (an out-port) or reaching it (an in-port). */
  on(node: string, port: string): unknown[] {
    return this.seen
      .filter((packet) => (packet.source.node === node && packet.source.port === port) || (packet.target.node === node && packet.target.port === port))
      .map((packet) => packet.payload);
  }

  started(): void {}

  ended(): void {}

  loaderEvent(): void {}
}
