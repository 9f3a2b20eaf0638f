/**
 * An immutable wrapper of one payload travelling between ports. A payload is a plain JS value
 * (null, boolean, number, bigint, string, Uint8Array, array, plain object) or an Error (an
 * error packet). `Packet.None` is the distinguished "no reply" packet, compared by identity:
 * a packet whose payload is `null` is not `None`.
 */
export class Packet {
  /** The "no reply" packet. */
  static readonly None: Packet = new Packet(null);

  readonly payload: unknown;

  constructor(payload: unknown) {
    this.payload = payload;
  }

  /** True when the payload is an error value. */
  get isError(): boolean {
    return this.payload instanceof Error;
  }

  /** True for `Packet.None` only. */
  get isNone(): boolean {
    return this === Packet.None;
  }
}

/** What a handler or a write returns: a packet, or a promise of one when the work is async. */
export type Reply = Packet | Promise<Packet>;
