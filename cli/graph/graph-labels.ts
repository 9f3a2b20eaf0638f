import type { Topology, TopologyEdge, UnresolvedLink } from '../../src/index.ts';

/** A node's label in a picture: `name (kind)`, the key standing for the name when it has none. */
export function nodeLabel(node: { readonly key: string; readonly kind: string }): string {
  return `${node.key} (${node.kind})`;
}

/** An edge's label: its out-port, and the in-port after an arrow when that is not `in`. */
export function edgeLabel(edge: TopologyEdge | UnresolvedLink): string {
  return edge.target.port === 'in' ? edge.source.port : `${edge.source.port} → ${edge.target.port}`;
}

/** The label of the placeholder drawn for an unresolved link's target. */
export function missingLabel(link: UnresolvedLink): string {
  const name = link.target.name ?? link.target.id ?? '?';
  return link.reason === 'missing' ? `${name} (missing)` : `${name} (no in-port ${link.target.port})`;
}

/** Picture ids (`n0`, `n1`…) by node key, stable in the order of the topology's nodes. */
export function pictureIds(topology: Topology): Map<string, string> {
  return new Map(topology.nodes.map((node, index) => [node.key, `n${index}`]));
}
