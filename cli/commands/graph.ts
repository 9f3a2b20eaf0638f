import { Command, Option } from 'commander';
import { analyzeTopology, normalizeSpec, type Spec } from '../../src/index.ts';
import { collect, configFor, createScheme, storeOptions, type StoreFlags } from '../context.ts';
import { renderDot } from '../graph/render-dot.ts';
import { renderMermaid } from '../graph/render-mermaid.ts';
import type { CliIO } from '../io.ts';
import { readSpecs } from '../read-specs.ts';
import { withExistingStore } from '../with-existing-store.ts';

/** Flags of `weft graph`. */
interface GraphFlags extends Omit<StoreFlags, 'output'> {
  readonly filename?: string[];
  readonly output: 'mermaid' | 'dot' | 'json';
}

/**
 * `weft graph [-n NS] [-f FILE…] [-o mermaid|dot|json]`: a namespace's workflows as a graph,
 * from the store, or from files when `-f` is given (their specs of that namespace, a spec's own
 * namespace winning over `-n`). Mermaid and DOT draw nodes `name (kind)` and edges by port;
 * JSON is the whole topology (inputs, outputs, order, cycles, unreachable, unresolved).
 */
export function graphCommand(io: CliIO): Command {
  const command = new Command('graph')
    .description('draw a namespace as a graph (Mermaid, DOT) or print its topology (JSON)')
    .option('-f, --filename <path>', 'read specs from a file, directory or - instead of the store (repeatable)', collect)
    .addOption(new Option('-o, --output <format>', 'output format').choices(['mermaid', 'dot', 'json']).default('mermaid'));
  return storeOptions(command).action(async (flags: GraphFlags) => {
    const config = configFor(io, { namespace: flags.namespace, store: flags.store });
    const namespace = config.namespace;
    let specs: Spec[];
    if (flags.filename !== undefined) {
      const sourced = await readSpecs(flags.filename, io);
      specs = sourced.map((entry) => normalizeSpec(entry.spec, namespace)).filter((spec) => spec.namespace === namespace);
    } else {
      specs = await withExistingStore(io, config, (store) => store.find({ namespace }), 'reading');
    }
    const scheme = createScheme();
    const topology = analyzeTopology(specs, (spec) => scheme.portsOf(spec));
    if (flags.output === 'json') io.stdout.write(JSON.stringify(topology, null, 2) + '\n');
    else io.stdout.write(flags.output === 'dot' ? renderDot(topology) : renderMermaid(topology));
  });
}
