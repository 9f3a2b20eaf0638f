import type { PortLocation } from '../spec/index.ts';

/** One node of a topology, keyed by its spec's name, else its id (else `#INDEX` in the list given). */
export interface TopologyNode {
  readonly key: string;
  readonly id?: string;
  readonly name?: string;
  readonly kind: string;
  /** The in-ports its kind declares (`out[]` style families as declared); undefined when no declaration was given. */
  readonly inPorts?: readonly string[];
  readonly outPorts?: readonly string[];
  /** True when the node starts work itself: its kind declares no in-port (listener, consumer, schedule…). */
  readonly source: boolean;
}

/** One end of an edge: a node's key and a port name. */
export interface TopologyEnd {
  readonly node: string;
  readonly port: string;
}

/** One resolved link: an out-port of one node to an in-port of another. */
export interface TopologyEdge {
  readonly source: TopologyEnd;
  readonly target: TopologyEnd;
}

/** A link whose target is not there (`missing`) or names an in-port its kind does not declare (`port`). */
export interface UnresolvedLink {
  readonly source: TopologyEnd;
  readonly target: PortLocation;
  readonly reason: 'missing' | 'port';
}

/** A node's place in the execution order: its distance (longest path) from the inputs, cycles collapsed. */
export interface TopologyStep {
  readonly node: string;
  readonly depth: number;
}

/** What `analyzeTopology` reports about a namespace's specs (see there for each rule). */
export interface Topology {
  readonly nodes: readonly TopologyNode[];
  readonly edges: readonly TopologyEdge[];
  /** Nodes no edge leads to. */
  readonly inputs: readonly string[];
  /** Nodes with no outgoing edge. */
  readonly outputs: readonly string[];
  /** Every node by depth then key (Kahn's algorithm over the strongly connected components). */
  readonly order: readonly TopologyStep[];
  /** True when the graph has no cycle (no component of several nodes, no self-link). */
  readonly acyclic: boolean;
  /** The strongly connected components that are cycles: several nodes, or one node linked to itself. */
  readonly cycles: readonly (readonly string[])[];
  /** Nodes that no source reaches over links. */
  readonly unreachable: readonly string[];
  readonly unresolved: readonly UnresolvedLink[];
}
