import dagre from '@dagrejs/dagre';
import type { Topology } from '../../src/index.ts';
import { edgeLabel, missingLabel } from './graph-labels.ts';

const NODE_HEIGHT = 44;
const MISSING_HEIGHT = 30;
/** Average glyph width of the 12 px sans-serif labels, for box sizes (no font metrics in Node). */
const CHAR_WIDTH = 7.2;

/** Escapes text for SVG character data and attribute values. */
function escape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function n(value: number | undefined): string {
  return (value ?? 0).toFixed(1).replace(/\.0$/, '');
}

function pathOf(points: readonly { x: number; y: number }[]): string {
  return points.map((point, index) => `${index === 0 ? 'M' : 'L'}${n(point.x)} ${n(point.y)}`).join(' ');
}

const STYLE = [
  'text{font-family:system-ui,-apple-system,"Segoe UI",sans-serif}',
  '.node rect{fill:#f6f8fa;stroke:#57606a;stroke-width:1.2}',
  '.node.source rect{fill:#ddf4ff;stroke:#0969da}',
  '.node.missing rect{fill:#fff;stroke:#cf222e;stroke-dasharray:4 3}',
  '.name{font-size:12px;font-weight:600;fill:#1f2328}',
  '.kind{font-size:11px;fill:#57606a}',
  '.missing text{font-size:12px;fill:#cf222e}',
  '.edge{fill:none;stroke:#57606a;stroke-width:1.2}',
  '.edge.unresolved{stroke:#cf222e;stroke-dasharray:4 3}',
  '.port{font-size:10px;fill:#57606a;paint-order:stroke;stroke:#fff;stroke-width:3px}',
  '.arrow{fill:#57606a}',
].join('');

/**
 * A topology as a standalone SVG picture (for docs and reviews; no browser, no Graphviz): dagre
 * lays it out left to right like the web console; nodes are boxes with the name and the kind
 * (sources tinted), edges are labelled by port, an unresolved link is dashed red to a
 * placeholder. Deterministic: the same topology gives the same bytes.
 */
export function renderSvg(topology: Topology): string {
  const graph = new dagre.graphlib.Graph({ multigraph: true });
  graph.setGraph({ rankdir: 'LR', nodesep: 24, ranksep: 90, marginx: 16, marginy: 16 });
  graph.setDefaultEdgeLabel(() => ({}));
  for (const node of topology.nodes) {
    const text = Math.max((node.name ?? node.key).length, node.kind.length + 2);
    graph.setNode(node.key, { width: Math.max(96, text * CHAR_WIDTH + 28), height: NODE_HEIGHT });
  }
  const missing = topology.unresolved.map((link, index) => ({ key: `\u0000missing${index}`, link }));
  for (const { key, link } of missing) graph.setNode(key, { width: Math.max(96, missingLabel(link).length * CHAR_WIDTH + 20), height: MISSING_HEIGHT });
  topology.edges.forEach((edge, index) => graph.setEdge(edge.source.node, edge.target.node, { width: edgeLabel(edge).length * 6, height: 14, labelpos: 'c' }, `e${index}`));
  missing.forEach(({ key, link }, index) => graph.setEdge(link.source.node, key, { width: edgeLabel(link).length * 6, height: 14, labelpos: 'c' }, `m${index}`));
  dagre.layout(graph);
  const size = graph.graph();
  const width = Math.ceil(size.width ?? 0);
  const height = Math.ceil(size.height ?? 0);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img">`,
    `<style>${STYLE}</style>`,
    '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0 0L10 5L0 10z" class="arrow"/></marker></defs>',
  ];
  const edge = (from: string, to: string, name: string, label: string, extra: string): void => {
    const laid = graph.edge(from, to, name);
    out.push(`<path class="edge${extra}" d="${pathOf(laid.points ?? [])}" marker-end="url(#arrow)"/>`);
    out.push(`<text class="port" x="${n(laid.x)}" y="${n((laid.y ?? 0) - 4)}" text-anchor="middle">${escape(label)}</text>`);
  };
  topology.edges.forEach((link, index) => edge(link.source.node, link.target.node, `e${index}`, edgeLabel(link), ''));
  missing.forEach(({ key, link }, index) => edge(link.source.node, key, `m${index}`, edgeLabel(link), ' unresolved'));
  for (const node of topology.nodes) {
    const box = graph.node(node.key);
    const x = (box.x ?? 0) - box.width / 2;
    const y = (box.y ?? 0) - box.height / 2;
    out.push(`<g class="node${node.source ? ' source' : ''}" transform="translate(${n(x)},${n(y)})">`
      + `<rect width="${n(box.width)}" height="${n(box.height)}" rx="8"/>`
      + `<text class="name" x="12" y="19">${escape(node.name ?? node.key)}</text>`
      + `<text class="kind" x="12" y="34">${escape(node.kind)}</text></g>`);
  }
  for (const { key, link } of missing) {
    const box = graph.node(key);
    out.push(`<g class="node missing" transform="translate(${n((box.x ?? 0) - box.width / 2)},${n((box.y ?? 0) - box.height / 2)})">`
      + `<rect width="${n(box.width)}" height="${n(box.height)}" rx="6"/><text x="10" y="19">${escape(missingLabel(link))}</text></g>`);
  }
  out.push('</svg>');
  return out.join('\n') + '\n';
}
