import { el } from './dom.ts';
import type { Topology } from './types.ts';

/** The topology of the namespace in words: inputs, outputs, cycles, unreachable nodes, unresolved links. */
export function topologyPanel(topology: Topology, onSelect: (key: string) => void): HTMLElement {
  const names = (keys: readonly string[]) => keys.length === 0
    ? el('span', { class: 'muted' }, 'none')
    : el('span', {}, ...keys.flatMap((key, index) => [index > 0 ? ', ' : '', nodeLink(key, onSelect)]));
  return el('section', { class: 'topology', 'aria-label': 'topology' },
    el('h2', {}, 'Topology'),
    el('dl', {},
      el('dt', {}, 'inputs'), el('dd', { 'data-topology': 'inputs' }, names(topology.inputs)),
      el('dt', {}, 'outputs'), el('dd', { 'data-topology': 'outputs' }, names(topology.outputs)),
      el('dt', {}, 'cycles (strongly connected)'), el('dd', { 'data-topology': 'cycles' }, topology.cycles.length === 0 ? el('span', { class: 'muted' }, 'none') : el('ul', {}, ...topology.cycles.map((cycle) => el('li', {}, names(cycle))))),
      el('dt', {}, 'unreachable from a source'), el('dd', { 'data-topology': 'unreachable' }, names(topology.unreachable)),
      el('dt', {}, 'unresolved links'), el('dd', { 'data-topology': 'unresolved' }, topology.unresolved.length === 0 ? el('span', { class: 'muted' }, 'none')
        : el('ul', {}, ...topology.unresolved.map((link) => el('li', {}, `${link.source.node}.${link.source.port} → ${link.target.name ?? link.target.id}.${link.target.port} (${link.reason === 'missing' ? 'no such node' : 'no such in-port'})`)))),
      el('dt', {}, 'order'), el('dd', {}, topology.order.map((step) => `${step.depth}:${step.node}`).join('  '))),
    el('p', { class: 'muted' }, `${topology.nodes.length} nodes, ${topology.edges.length} edges${topology.acyclic ? ', acyclic' : ''}`));
}

function nodeLink(key: string, onSelect: (key: string) => void): HTMLElement {
  const link = el('a', { href: '#', class: 'node-link' }, key);
  link.addEventListener('click', (event) => {
    event.preventDefault();
    onSelect(key);
  });
  return link;
}
