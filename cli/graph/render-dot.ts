import type { Topology } from '../../src/index.ts';
import { edgeLabel, missingLabel, nodeLabel, pictureIds } from './graph-labels.ts';

/** A DOT double-quoted string. */
function quote(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

/** A topology as a Graphviz digraph (left to right): boxes `name (kind)`, edges labelled by port, unresolved links dashed. */
export function renderDot(topology: Topology): string {
  const ids = pictureIds(topology);
  const lines = ['digraph weft {', '  rankdir=LR;', '  node [shape=box, fontname="sans-serif"];', '  edge [fontname="sans-serif", fontsize=10];'];
  for (const node of topology.nodes) lines.push(`  ${ids.get(node.key)} [label=${quote(nodeLabel(node))}];`);
  for (const edge of topology.edges) lines.push(`  ${ids.get(edge.source.node)} -> ${ids.get(edge.target.node)} [label=${quote(edgeLabel(edge))}];`);
  topology.unresolved.forEach((link, index) => {
    lines.push(`  m${index} [label=${quote(missingLabel(link))}, style=dashed];`);
    lines.push(`  ${ids.get(link.source.node)} -> m${index} [label=${quote(edgeLabel(link))}, style=dashed];`);
  });
  lines.push('}');
  return lines.join('\n') + '\n';
}
