import dagre from '@dagrejs/dagre';
import { clear, svg } from './dom.ts';
import type { ConsoleSpec, Topology } from './types.ts';

const NODE_HEIGHT = 44;
const CHAR_WIDTH = 7.2;

interface DrawnEdge {
  readonly path: SVGPathElement;
}

/**
 * The namespace's graph as SVG: dagre lays it out left to right; the wheel zooms, a drag pans;
 * a click on a node calls `onSelect`. Each node shows `name (kind)`, its state and a counter;
 * `pulse` runs a dot along an edge (a packet seen on the event stream).
 */
export class GraphView {
  readonly element: SVGSVGElement;
  readonly #viewport: SVGGElement;
  readonly #onSelect: (key: string) => void;
  readonly #counters = new Map<string, SVGTextElement>();
  readonly #nodes = new Map<string, SVGGElement>();
  readonly #edges = new Map<string, DrawnEdge[]>();
  #zoom = { x: 0, y: 0, k: 1 };
  #fitted = false;
  #moving = 0;
  #selected: string | undefined;

  constructor(onSelect: (key: string) => void) {
    this.#onSelect = onSelect;
    this.element = svg('svg', { class: 'graph', role: 'img', 'aria-label': 'workflow graph' });
    this.#viewport = svg('g', { class: 'viewport' });
    this.element.append(svg('defs', {}, svg('marker', { id: 'arrow', viewBox: '0 0 10 10', refX: 10, refY: 5, markerWidth: 7, markerHeight: 7, orient: 'auto-start-reverse' }, svg('path', { d: 'M 0 0 L 10 5 L 0 10 z', class: 'arrowhead' }))), this.#viewport);
    this.#panZoom();
  }

  /** Draws a topology (keeping zoom and pan once fitted); `specs` give each node's state. */
  render(topology: Topology, specs: readonly ConsoleSpec[], counts: ReadonlyMap<string, number>): void {
    const state = new Map(specs.map((entry) => [entry.name ?? entry.id, entry]));
    const graph = new dagre.graphlib.Graph({ multigraph: true });
    // longest-path ranking: several times faster than network simplex on hundreds of nodes, and workflows read well with it.
    graph.setGraph({ rankdir: 'LR', nodesep: 24, ranksep: 120, marginx: 20, marginy: 20, ranker: 'longest-path' });
    graph.setDefaultEdgeLabel(() => ({}));
    for (const node of topology.nodes) graph.setNode(node.key, { width: Math.max(110, label(node).length * CHAR_WIDTH + 56), height: NODE_HEIGHT });
    const missing = topology.unresolved.map((link, index) => ({ key: `\u0000missing${index}`, link }));
    for (const { key, link } of missing) graph.setNode(key, { width: Math.max(110, missingText(link).length * CHAR_WIDTH + 20), height: 30 });
    // Port labels are placed on the drawn edges, not laid out as dagre label nodes (which would add a dummy node per edge).
    topology.edges.forEach((edge, index) => graph.setEdge(edge.source.node, edge.target.node, {}, `e${index}`));
    missing.forEach(({ key, link }, index) => graph.setEdge(link.source.node, key, {}, `m${index}`));
    // Past 100 nodes dagre's iterative crossing reduction is skipped: it doubles the layout time for little gain on workflow-shaped graphs.
    dagre.layout(graph, { disableOptimalOrderHeuristic: topology.nodes.length > 100 });
    performance.mark('weft:laid-out');

    clear(this.#viewport);
    this.#counters.clear();
    this.#nodes.clear();
    this.#edges.clear();
    const edgeLayer = svg('g', { class: 'edges' });
    const nodeLayer = svg('g', { class: 'nodes' });
    this.#viewport.append(edgeLayer, nodeLayer);
    topology.edges.forEach((edge, index) => {
      const points = graph.edge(edge.source.node, edge.target.node, `e${index}`).points ?? [];
      const d = pathOf(points);
      const path = svg('path', { d, class: 'edge', 'marker-end': 'url(#arrow)', 'data-source': edge.source.node, 'data-target': edge.target.node });
      const mid = points[Math.floor(points.length / 2)] ?? { x: 0, y: 0 };
      edgeLayer.append(path, svg('text', { x: mid.x, y: mid.y - 4, class: 'edge-label' }, portText(edge)));
      const key = `${edge.source.node}\u0000${edge.target.node}`;
      const list = this.#edges.get(key) ?? [];
      list.push({ path });
      this.#edges.set(key, list);
    });
    missing.forEach(({ key, link }, index) => {
      const points = graph.edge(link.source.node, key, `m${index}`).points ?? [];
      edgeLayer.append(svg('path', { d: pathOf(points), class: 'edge unresolved', 'marker-end': 'url(#arrow)' }));
      const box = graph.node(key);
      nodeLayer.append(svg('g', { class: 'node missing', transform: `translate(${box.x! - box.width / 2},${box.y! - box.height / 2})` },
        svg('rect', { width: box.width, height: box.height, rx: 6 }),
        svg('text', { x: 10, y: 19, class: 'node-label' }, missingText(link))));
    });
    for (const node of topology.nodes) {
      const box = graph.node(node.key);
      const entry = state.get(node.key);
      const status = entry?.state ?? 'inactive';
      const counter = svg('text', { x: box.width - 10, y: 18, class: 'count', 'text-anchor': 'end' }, String(counts.get(node.key) ?? 0));
      const group = svg('g', {
        class: `node ${status}${node.key === this.#selected ? ' selected' : ''}`, 'data-node': node.key, 'data-kind': node.kind, 'data-state': status, tabindex: 0,
        transform: `translate(${box.x! - box.width / 2},${box.y! - box.height / 2})`,
      },
      svg('rect', { width: box.width, height: box.height, rx: 8 }),
      svg('circle', { cx: 12, cy: box.height / 2, r: 4, class: 'state-dot' }),
      svg('text', { x: 22, y: 18, class: 'node-label' }, node.name ?? node.key),
      svg('text', { x: 22, y: 34, class: 'node-kind' }, node.kind + (entry?.pendingError ? ' · newer revision failed' : '')),
      counter);
      group.addEventListener('click', (event) => {
        event.stopPropagation();
        this.#onSelect(node.key);
      });
      group.addEventListener('keydown', (event) => event.key === 'Enter' && this.#onSelect(node.key));
      this.#counters.set(node.key, counter);
      this.#nodes.set(node.key, group);
      nodeLayer.append(group);
    }
    const size = graph.graph();
    if (!this.#fitted) this.#fit(size.width ?? 0, size.height ?? 0);
    this.#apply();
  }

  /** Sets a node's counter. */
  count(key: string, value: number): void {
    const counter = this.#counters.get(key);
    if (counter !== undefined && counter.textContent !== String(value)) counter.textContent = String(value);
  }

  select(key: string | undefined): void {
    this.#selected = key;
    for (const [name, group] of this.#nodes) group.classList.toggle('selected', name === key);
  }

  /** Runs a dot along the edge source → target (at most 60 at once: a busy graph does not flood the page). */
  pulse(source: string, target: string): void {
    if (this.#moving >= 60 || document.hidden) return;
    const edge = this.#edges.get(`${source}\u0000${target}`)?.[0];
    if (edge === undefined) return;
    const length = edge.path.getTotalLength();
    const dot = svg('circle', { r: 4, class: 'packet' });
    this.#viewport.append(dot);
    this.#moving++;
    const started = performance.now();
    const step = (now: number) => {
      const t = Math.min(1, (now - started) / 450);
      const point = edge.path.getPointAtLength(t * length);
      dot.setAttribute('cx', String(point.x));
      dot.setAttribute('cy', String(point.y));
      if (t < 1) requestAnimationFrame(step);
      else {
        dot.remove();
        this.#moving--;
      }
    };
    requestAnimationFrame(step);
  }

  #fit(width: number, height: number): void {
    const box = this.element.getBoundingClientRect();
    if (box.width === 0 || width === 0) return;
    const k = Math.min(1.5, Math.min(box.width / (width + 20), box.height / (height + 20)));
    this.#zoom = { k, x: (box.width - width * k) / 2, y: Math.max(0, (box.height - height * k) / 2) };
    this.#fitted = true;
  }

  #apply(): void {
    this.#viewport.setAttribute('transform', `translate(${this.#zoom.x},${this.#zoom.y}) scale(${this.#zoom.k})`);
  }

  #panZoom(): void {
    let drag: { x: number; y: number } | undefined;
    this.element.addEventListener('wheel', (event) => {
      event.preventDefault();
      const box = this.element.getBoundingClientRect();
      const px = event.clientX - box.left;
      const py = event.clientY - box.top;
      const factor = Math.exp(-event.deltaY * 0.0015);
      const k = Math.min(4, Math.max(0.1, this.#zoom.k * factor));
      this.#zoom = { k, x: px - ((px - this.#zoom.x) * k) / this.#zoom.k, y: py - ((py - this.#zoom.y) * k) / this.#zoom.k };
      this.#apply();
    }, { passive: false });
    this.element.addEventListener('pointerdown', (event) => {
      if ((event.target as Element).closest('.node') !== null) return;
      drag = { x: event.clientX - this.#zoom.x, y: event.clientY - this.#zoom.y };
      this.element.setPointerCapture(event.pointerId);
    });
    this.element.addEventListener('pointermove', (event) => {
      if (drag === undefined) return;
      this.#zoom = { ...this.#zoom, x: event.clientX - drag.x, y: event.clientY - drag.y };
      this.#apply();
    });
    this.element.addEventListener('pointerup', () => (drag = undefined));
  }
}

function label(node: { key: string; name?: string; kind: string }): string {
  return `${node.name ?? node.key} (${node.kind})`;
}

function portText(edge: { source: { port: string }; target: { port: string } }): string {
  return edge.target.port === 'in' ? edge.source.port : `${edge.source.port} → ${edge.target.port}`;
}

function missingText(link: Topology['unresolved'][number]): string {
  const name = link.target.name ?? link.target.id ?? '?';
  return link.reason === 'missing' ? `${name} (missing)` : `${name} (no in-port ${link.target.port})`;
}

function pathOf(points: readonly { x: number; y: number }[]): string {
  return points.map((point, index) => `${index === 0 ? 'M' : 'L'} ${point.x.toFixed(1)} ${point.y.toFixed(1)}`).join(' ');
}
