import { declaresPort, type PortDeclaration } from '../scheme/index.ts';
import { isLifecyclePort, LinkIndex, type Links, type PortLocation, type Spec } from '../spec/index.ts';
import { stronglyConnected } from './strongly-connected.ts';
import type { Topology, TopologyEdge, TopologyNode, TopologyStep, UnresolvedLink } from './topology.ts';

/** The ports of a spec's kind (`Scheme.portsOf`), or undefined when its kind is unknown. */
export type TopologyPorts = (spec: Spec) => PortDeclaration | undefined;

interface Entry {
  readonly id?: string;
  readonly name?: string;
  readonly links?: Links;
  readonly index: number;
}

/**
 * The topology of one namespace's specs, from their links alone (knowing no kind by name):
 * - nodes are keyed by name, else id, else `#INDEX`; an edge is a link whose target resolves
 *   (by name when the link gives one, else by id, as the loader does) and, when `ports` is
 *   given, names an in-port the target's kind declares; the others are `unresolved`;
 * - inputs have no incoming edge, outputs no outgoing one;
 * - `cycles` are the strongly connected components (Tarjan) of more than one node, or of one
 *   node linked to itself: loops are legal in weft, so they are reported, not refused;
 * - `order` is Kahn's algorithm over the components: a node's depth is the longest path from
 *   an input, every node of a cycle at the depth of the cycle;
 * - a *source* is a node whose kind declares no in-port (listener, consumer, schedule…), per
 *   `ports`; without a declaration (no `ports`, or an unknown kind) a node with no incoming edge
 *   counts as one. The target of an `init` lifecycle link is reached too (the loader sends it
 *   the node's spec). `unreachable` lists what no source reaches over edges.
 * Nodes reached other than by links (a `block`'s inline steps, `exec` calling a node by name)
 * are not seen.
 */
export function analyzeTopology(specs: readonly Spec[], ports?: TopologyPorts): Topology {
  const entries: Entry[] = specs.map((spec, index) => ({ id: spec.id, name: spec.name, links: spec.links, index }));
  const keys = specs.map((spec, index) => spec.name ?? spec.id ?? `#${index}`);
  const declarations = specs.map((spec) => (ports === undefined ? undefined : safePorts(ports, spec)));
  const links = new LinkIndex<Entry>();
  for (const entry of entries) links.add(entry);

  const edges: TopologyEdge[] = [];
  const unresolved: UnresolvedLink[] = [];
  const adjacency: number[][] = specs.map(() => []);
  const incoming = new Uint32Array(specs.length);
  const seeds = new Set<number>();
  for (const entry of entries) {
    for (const [port, locations] of Object.entries(entry.links ?? {})) {
      if (!Array.isArray(locations)) continue;
      for (const location of locations as PortLocation[]) {
        const source = { node: keys[entry.index]!, port };
        const target = typeof location === 'object' && location !== null ? links.lookup(location) : undefined;
        if (target === undefined) {
          unresolved.push({ source, target: location, reason: 'missing' });
          continue;
        }
        const declared = declarations[target.index];
        if (declared !== undefined && !declaresPort(declared.in, location.port)) {
          unresolved.push({ source, target: location, reason: 'port' });
          continue;
        }
        edges.push({ source, target: { node: keys[target.index]!, port: location.port } });
        if (!adjacency[entry.index]!.includes(target.index)) adjacency[entry.index]!.push(target.index);
        incoming[target.index]!++;
        if (isLifecyclePort(port)) seeds.add(target.index);
      }
    }
  }

  const nodes: TopologyNode[] = specs.map((spec, index) => {
    const declared = declarations[index];
    const source = declared === undefined ? incoming[index] === 0 : declared.in.length === 0;
    return {
      key: keys[index]!,
      ...(spec.id === undefined ? {} : { id: spec.id }),
      ...(spec.name === undefined ? {} : { name: spec.name }),
      kind: spec.kind,
      ...(declared === undefined ? {} : { inPorts: declared.in, outPorts: declared.out }),
      source,
    };
  });

  const components = stronglyConnected(specs.length, adjacency);
  const cycles = components
    .filter((component) => component.length > 1 || adjacency[component[0]!]!.includes(component[0]!))
    .map((component) => component.map((index) => keys[index]!));

  return {
    nodes,
    edges,
    inputs: nodes.filter((_, index) => incoming[index] === 0).map((node) => node.key),
    outputs: nodes.filter((_, index) => adjacency[index]!.length === 0).map((node) => node.key),
    order: executionOrder(components, adjacency, keys),
    acyclic: cycles.length === 0,
    cycles,
    unreachable: unreachable(nodes, adjacency, seeds).map((index) => keys[index]!),
    unresolved,
  };
}

/** The ports of a spec, undefined when the declaration itself fails on a malformed spec. */
function safePorts(ports: TopologyPorts, spec: Spec): PortDeclaration | undefined {
  try {
    return ports(spec);
  } catch {
    return undefined;
  }
}

/** Kahn's algorithm over the condensation: the longest distance of each component from one without predecessors. */
function executionOrder(components: readonly number[][], adjacency: readonly number[][], keys: readonly string[]): TopologyStep[] {
  const componentOf = new Int32Array(adjacency.length);
  components.forEach((component, index) => component.forEach((vertex) => (componentOf[vertex] = index)));
  const successors: Set<number>[] = components.map(() => new Set());
  const indegree = new Uint32Array(components.length);
  adjacency.forEach((targets, vertex) => {
    for (const target of targets) {
      const from = componentOf[vertex]!;
      const to = componentOf[target]!;
      if (from !== to && !successors[from]!.has(to)) {
        successors[from]!.add(to);
        indegree[to]!++;
      }
    }
  });
  const depth = new Uint32Array(components.length);
  const queue: number[] = [];
  for (let index = 0; index < components.length; index++) if (indegree[index] === 0) queue.push(index);
  for (let head = 0; head < queue.length; head++) {
    const component = queue[head]!;
    for (const next of successors[component]!) {
      depth[next] = Math.max(depth[next]!, depth[component]! + 1);
      if (--indegree[next]! === 0) queue.push(next);
    }
  }
  const steps = keys.map((node, vertex) => ({ node, depth: depth[componentOf[vertex]!]!, vertex }));
  steps.sort((a, b) => a.depth - b.depth || a.vertex - b.vertex);
  return steps.map(({ node, depth: level }) => ({ node, depth: level }));
}

/** The vertices no source (nor `init` target) reaches. */
function unreachable(nodes: readonly TopologyNode[], adjacency: readonly number[][], seeds: ReadonlySet<number>): number[] {
  const reached = new Uint8Array(nodes.length);
  const queue: number[] = [];
  const visit = (vertex: number) => {
    if (reached[vertex] === 1) return;
    reached[vertex] = 1;
    queue.push(vertex);
  };
  nodes.forEach((node, vertex) => node.source && visit(vertex));
  for (const seed of seeds) visit(seed);
  for (let head = 0; head < queue.length; head++) for (const next of adjacency[queue[head]!]!) visit(next);
  const missed: number[] = [];
  for (let vertex = 0; vertex < nodes.length; vertex++) if (reached[vertex] === 0) missed.push(vertex);
  return missed;
}
