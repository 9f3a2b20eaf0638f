import {
  indexOfPort, InPort, OutPort, Packet, WeftError,
  type Node, type PacketReceiver, type Process, type Reply,
} from '../../src/index.ts';
import type { Condition, Verdict } from './condition.ts';

/** One condition and the `out[N]` index its packets go to. */
export interface Branch {
  readonly condition: Condition;
  readonly port: number;
}

/** Options of a BranchNode beyond its branches. */
export interface BranchOptions {
  /** Where a packet goes when no condition is true; none: the packet itself is the reply. */
  readonly otherwise?: number;
  /** How many `out[N]` ports the node has (`if`: 2); none: any index, made on first use. */
  readonly ports?: number;
}

const NO_MATCH = -1;

/**
 * The `in` → `out[N]` / `error` shape of `if` and `switch`: the conditions are tried in order
 * and the *original* packet goes to the `out[N]` of the first true one, whose reply is the
 * node's reply (the packet itself when that port is unlinked). A failing condition sends its
 * error to `error` and stops there. Synchronous conditions keep the whole call synchronous;
 * no arrays or closures are made per packet.
 */
export class BranchNode implements Node, PacketReceiver {
  readonly inPort: InPort;
  readonly errorPort = new OutPort('error');
  readonly #outs: OutPort[] = [];
  readonly #branches: readonly Branch[];
  readonly #otherwise: number;
  readonly #ports: number | undefined;

  constructor(branches: readonly Branch[], options: BranchOptions = {}) {
    this.#branches = branches;
    this.#otherwise = options.otherwise ?? NO_MATCH;
    this.#ports = options.ports;
    for (const branch of branches) this.#out(branch.port);
    if (this.#otherwise !== NO_MATCH) this.#out(this.#otherwise);
    this.inPort = new InPort('in', this);
  }

  in(name: string): InPort | undefined {
    return name === 'in' ? this.inPort : undefined;
  }

  out(name: string): OutPort | undefined {
    if (name === 'error') return this.errorPort;
    const index = indexOfPort(name, 'out');
    if (index === undefined || (this.#ports !== undefined && index >= this.#ports)) return undefined;
    return this.#out(index);
  }

  async close(): Promise<void> {
    this.inPort.close();
    await Promise.all(this.#branches.map((branch) => branch.condition.close()));
  }

  /** Routes a packet of the `in` port (called by the port). */
  receive(process: Process, packet: Packet): Reply {
    const choice = this.#choose(packet.payload, 0);
    return typeof choice === 'number' || choice instanceof WeftError
      ? this.#send(process, packet, choice)
      : choice.then((settled) => this.#send(process, packet, settled));
  }

  /** The out-port index for a payload, trying conditions from `start` on (async once one is). */
  #choose(payload: unknown, start: number): number | WeftError | Promise<number | WeftError> {
    const branches = this.#branches;
    for (let i = start; i < branches.length; i++) {
      const verdict = branches[i]!.condition.test(payload);
      if (verdict === true) return branches[i]!.port;
      if (verdict === false) continue;
      if (verdict instanceof WeftError) return verdict;
      return verdict.then((settled: Verdict) => {
        if (settled === true) return branches[i]!.port;
        return settled === false ? this.#choose(payload, i + 1) : settled;
      });
    }
    return this.#otherwise;
  }

  #send(process: Process, packet: Packet, choice: number | WeftError): Reply {
    if (choice instanceof WeftError) return this.errorPort.write(process, new Packet(choice));
    return choice === NO_MATCH ? packet : this.#outs[choice]!.write(process, packet);
  }

  #out(index: number): OutPort {
    return (this.#outs[index] ??= new OutPort(`out[${index}]`));
  }
}
