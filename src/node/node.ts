import type { InPort, OutPort } from '../port/index.ts';

/**
 * A compiled node: named ports plus an optional lifecycle. The symbol table calls `activate`
 * once the node's whole downstream is linked (a listener starts listening there), `deactivate`
 * when that stops being true, and `close` when the node is unloaded, after the work that could
 * reach it has drained. Implementations must make activate/deactivate idempotent and must not
 * throw from `close`. On indexed nodes, `in`/`out` are the same ports as `in[0]`/`out[0]`.
 */
export interface Node {
  /** The in-port called `name`, or undefined when the node has none. */
  in(name: string): InPort | undefined;
  /** The out-port called `name`, or undefined when the node has none. */
  out(name: string): OutPort | undefined;
  activate?(): void | Promise<void>;
  deactivate?(): void | Promise<void>;
  /**
   * Called on the replacement of `previous` (same spec id) before it is activated: the new node
   * may take over resources (a listener on the same address keeps its socket). The previous
   * node is deactivated and closed afterwards and must then leave taken resources alone.
   */
  adopt?(previous: Node): void;
  close(): void | Promise<void>;
}
