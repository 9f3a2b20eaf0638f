export { analyzeTopology, type TopologyPorts } from './analyze-topology.ts';
export { stronglyConnected } from './strongly-connected.ts';
export type { Topology, TopologyEdge, TopologyEnd, TopologyNode, TopologyStep, UnresolvedLink } from './topology.ts';
