import { Command, Option } from 'commander';
import type { CliIO } from '../io.ts';
import { collect, storeOptions, type StoreFlags } from '../options.ts';

/** Flags of `weft graph`. */
export interface GraphFlags extends Omit<StoreFlags, 'output'> {
  readonly filename?: string[];
  readonly output: 'mermaid' | 'dot' | 'svg' | 'json';
}

/**
 * `weft graph [-n NS] [-f FILE…] [-o mermaid|dot|svg|json]`: a namespace's workflows as a graph,
 * from the store, or from files when `-f` is given (their specs of that namespace, a spec's own
 * namespace winning over `-n`). Mermaid, DOT and SVG draw nodes `name (kind)` and edges by port;
 * JSON is the whole topology (inputs, outputs, order, cycles, unreachable, unresolved).
 */
export function graphCommand(io: CliIO): Command {
  const command = new Command('graph')
    .description('draw a namespace as a graph (Mermaid, DOT, SVG) or print its topology (JSON)')
    .option('-f, --filename <path>', 'read specs from a file, directory or - instead of the store (repeatable)', collect)
    .addOption(new Option('-o, --output <format>', 'output format').choices(['mermaid', 'dot', 'svg', 'json']).default('mermaid'));
  return storeOptions(command).action(async (flags: GraphFlags) => (await import('../actions/graph.ts')).runGraph(io, flags));
}
