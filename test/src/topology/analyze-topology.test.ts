import { describe, expect, it } from 'vitest';
import { analyzeTopology, Scheme, stronglyConnected, type Spec } from '../../../src/index.ts';
import { coreKinds } from '../../../schemes/core.ts';

const scheme = new Scheme({ kinds: coreKinds });
const ports = (spec: Spec) => scheme.portsOf(spec);
const link = (name: string, port = 'in') => [{ name, port }];

/** examples/ping.yaml */
const ping: Spec[] = [
  { kind: 'listener', name: 'listener', protocol: 'http', port: 8000, links: { out: link('router') } },
  { kind: 'router', name: 'router', routes: [{ method: 'GET', path: '/ping', port: 'out[0]' }], links: { 'out[0]': link('pong') } },
  { kind: 'snippet', name: 'pong', language: 'text', code: 'pong' },
];

describe('analyzeTopology', () => {
  it('finds the nodes, edges by port, inputs, outputs and order of examples/ping.yaml', () => {
    const topology = analyzeTopology(ping, ports);
    expect(topology.nodes.map((node) => `${node.key} ${node.kind} ${node.source}`)).toEqual(['listener listener true', 'router router false', 'pong snippet false']);
    expect(topology.edges).toEqual([
      { source: { node: 'listener', port: 'out' }, target: { node: 'router', port: 'in' } },
      { source: { node: 'router', port: 'out[0]' }, target: { node: 'pong', port: 'in' } },
    ]);
    expect(topology.inputs).toEqual(['listener']);
    expect(topology.outputs).toEqual(['pong']);
    expect(topology.order).toEqual([{ node: 'listener', depth: 0 }, { node: 'router', depth: 1 }, { node: 'pong', depth: 2 }]);
    expect(topology).toMatchObject({ acyclic: true, cycles: [], unreachable: [], unresolved: [] });
  });

  it('orders a diamond by the longest distance from the inputs (Kahn)', () => {
    const specs: Spec[] = [
      { kind: 'snippet', name: 'a', language: 'text', code: 'a', links: { out: [...link('b'), ...link('d')] } },
      { kind: 'snippet', name: 'b', language: 'text', code: 'b', links: { out: link('c') } },
      { kind: 'snippet', name: 'c', language: 'text', code: 'c', links: { out: link('d') } },
      { kind: 'snippet', name: 'd', language: 'text', code: 'd' },
    ];
    const topology = analyzeTopology(specs, ports);
    expect(topology.order).toEqual([{ node: 'a', depth: 0 }, { node: 'b', depth: 1 }, { node: 'c', depth: 2 }, { node: 'd', depth: 3 }]);
  });

  it('reports a loop as a strongly connected component instead of refusing it, and orders it as one step', () => {
    const specs: Spec[] = [
      { kind: 'listener', name: 'http', protocol: 'http', port: 0, links: { out: link('retry') } },
      { kind: 'snippet', name: 'retry', language: 'text', code: 'r', links: { out: link('check') } },
      { kind: 'snippet', name: 'check', language: 'text', code: 'c', links: { out: link('retry'), error: link('log') } },
      { kind: 'snippet', name: 'log', language: 'text', code: 'l', links: { out: link('log') } },
    ];
    const topology = analyzeTopology(specs, ports);
    expect(topology.acyclic).toBe(false);
    expect(topology.cycles.map((cycle) => [...cycle].sort())).toEqual(expect.arrayContaining([['check', 'retry'], ['log']]));
    expect(topology.cycles).toHaveLength(2);
    expect(topology.order).toEqual([{ node: 'http', depth: 0 }, { node: 'retry', depth: 1 }, { node: 'check', depth: 1 }, { node: 'log', depth: 2 }]);
    expect(topology.outputs).toEqual([]);
  });

  it('lists as unreachable what no source (a kind without in-ports) reaches, even with no incoming edge', () => {
    const specs: Spec[] = [
      { kind: 'schedule', name: 'tick', cron: '* * * * *', links: { out: link('work') } },
      { kind: 'snippet', name: 'work', language: 'text', code: 'w' },
      { kind: 'snippet', name: 'orphan', language: 'text', code: 'o', links: { out: link('helper') } },
      { kind: 'snippet', name: 'helper', language: 'text', code: 'h' },
    ];
    const topology = analyzeTopology(specs, ports);
    expect(topology.unreachable).toEqual(['orphan', 'helper']);
    expect(topology.inputs).toEqual(['tick', 'orphan']);
    // Without port declarations, a node no edge leads to counts as a source.
    expect(analyzeTopology(specs).unreachable).toEqual([]);
  });

  it('counts the target of an init lifecycle link as reached', () => {
    const specs: Spec[] = [
      { kind: 'snippet', name: 'setup', language: 'text', code: 's', links: { init: link('announce') } },
      { kind: 'snippet', name: 'announce', language: 'text', code: 'a' },
    ];
    expect(analyzeTopology(specs, ports).unreachable).toEqual(['setup']);
  });

  it('reports links to a missing target (by name, else id) and to an in-port the target does not declare', () => {
    const specs: Spec[] = [
      { id: 'id-a', kind: 'listener', name: 'http', protocol: 'http', port: 0, links: { out: [{ name: 'routr', port: 'in' }, { id: 'id-b', port: 'in' }, { id: 'id-x', port: 'in' }] } },
      { id: 'id-b', kind: 'snippet', language: 'text', code: 'b', links: { out: [{ name: 'http', port: 'in' }] } },
    ];
    const topology = analyzeTopology(specs, ports);
    expect(topology.nodes.map((node) => node.key)).toEqual(['http', 'id-b']);
    expect(topology.edges).toEqual([{ source: { node: 'http', port: 'out' }, target: { node: 'id-b', port: 'in' } }]);
    expect(topology.unresolved).toEqual([
      { source: { node: 'http', port: 'out' }, target: { name: 'routr', port: 'in' }, reason: 'missing' },
      { source: { node: 'http', port: 'out' }, target: { id: 'id-x', port: 'in' }, reason: 'missing' },
      // A listener has no in-port.
      { source: { node: 'id-b', port: 'out' }, target: { name: 'http', port: 'in' }, reason: 'port' },
    ]);
  });

  it('keys a spec with neither name nor id by its position, and an unknown kind has no declared ports', () => {
    const topology = analyzeTopology([{ kind: 'nosuch', links: { out: link('x') } }, { kind: 'snippet', name: 'x', language: 'text', code: 'x' }], ports);
    expect(topology.nodes[0]).toMatchObject({ key: '#0', kind: 'nosuch', source: true });
    expect(topology.nodes[0]!.inPorts).toBeUndefined();
    expect(topology.edges).toHaveLength(1);
  });

  it('handles a 10 000-node chain without recursion limits', () => {
    const specs: Spec[] = Array.from({ length: 10_000 }, (_, index) => ({ kind: 'snippet', name: `n${index}`, language: 'text', code: 'x', links: index < 9999 ? { out: link(`n${index + 1}`) } : undefined }));
    const topology = analyzeTopology(specs, ports);
    expect(topology.order.at(-1)).toEqual({ node: 'n9999', depth: 9999 });
    expect(topology.acyclic).toBe(true);
  });
});

describe('stronglyConnected', () => {
  it('returns Tarjan components in reverse topological order', () => {
    // 0 → 1 → 2 → 0, 2 → 3, 3 → 4 → 3
    expect(stronglyConnected(5, [[1], [2], [0, 3], [4], [3]])).toEqual([[3, 4], [0, 1, 2]]);
    expect(stronglyConnected(3, [[], [], []])).toEqual([[0], [1], [2]]);
  });
});
