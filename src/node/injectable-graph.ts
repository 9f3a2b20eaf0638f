import type { Packet, Reply } from '../packet/index.ts';
import type { Process } from '../process/index.ts';
import type { Node } from './node.ts';

/** A dataflow graph's topology (Kahn's algorithm over its edges; a graph with a cycle does not load). */
export interface GraphTopology {
  /** Every node id in execution order (inputs first). */
  readonly order: readonly string[];
  /** Each node's distance from the inputs (inputs are 0). */
  readonly levels: Readonly<Record<string, number>>;
  /** Nodes without incoming edges. */
  readonly inputs: readonly string[];
  /** Nodes without outgoing edges. */
  readonly outputs: readonly string[];
}

/**
 * A node holding a whole dataflow graph (the `graph` kind): its inner nodes by id, their
 * topology, and `inject`, which hands a packet of `process` to inner node `nodeId`'s in-port
 * `port` and returns the reply (it settles when nothing of that packet is in flight). An
 * unknown node or port is an error reply, never a throw. How executions and the seed 004 API
 * reach a graph without knowing its kind.
 */
export interface InjectableGraph extends Node {
  readonly graphTopology: GraphTopology;
  readonly nodeIds: readonly string[];
  inject(process: Process, nodeId: string, port: string, packet: Packet): Reply;
}

/** True when `node` is an InjectableGraph. */
export function isInjectableGraph(node: Node | undefined): node is InjectableGraph {
  return node !== undefined && typeof (node as Partial<InjectableGraph>).inject === 'function' && (node as Partial<InjectableGraph>).graphTopology !== undefined;
}
