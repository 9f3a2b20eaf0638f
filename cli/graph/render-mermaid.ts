import type { Topology } from '../../src/index.ts';
import { edgeLabel, missingLabel, nodeLabel, pictureIds } from './graph-labels.ts';

/** Text inside a Mermaid `"…"` string: quotes and the characters Mermaid reads as markup as entities. */
function quote(text: string): string {
  return `"${text.replace(/"/g, '#quot;').replace(/</g, '#lt;').replace(/>/g, '#gt;')}"`;
}

/**
 * A topology as a Mermaid flowchart (left to right): nodes `name (kind)`, edges labelled by
 * port, unresolved links dashed to a placeholder; cycles are marked by a comment per cycle.
 */
export function renderMermaid(topology: Topology): string {
  const ids = pictureIds(topology);
  const lines = ['flowchart LR'];
  for (const node of topology.nodes) lines.push(`  ${ids.get(node.key)}[${quote(nodeLabel(node))}]`);
  for (const edge of topology.edges) lines.push(`  ${ids.get(edge.source.node)} -->|${quote(edgeLabel(edge))}| ${ids.get(edge.target.node)}`);
  topology.unresolved.forEach((link, index) => {
    lines.push(`  m${index}[${quote(missingLabel(link))}]:::missing`);
    lines.push(`  ${ids.get(link.source.node)} -.->|${quote(edgeLabel(link))}| m${index}`);
  });
  if (topology.unresolved.length > 0) lines.push('  classDef missing stroke-dasharray: 4 4');
  for (const cycle of topology.cycles) lines.push(`  %% cycle: ${cycle.join(', ')}`);
  return lines.join('\n') + '\n';
}
