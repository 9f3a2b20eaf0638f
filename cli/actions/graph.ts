import { analyzeTopology, normalizeSpec, type Spec } from '../../src/index.ts';
import { createScheme } from '../context.ts';
import { configFor } from '../config-for.ts';
import { renderDot } from '../graph/render-dot.ts';
import { renderMermaid } from '../graph/render-mermaid.ts';
import { renderSvg } from '../graph/render-svg.ts';
import type { CliIO } from '../io.ts';
import { readSpecs } from '../read-specs.ts';
import { withExistingStore } from '../with-existing-store.ts';
import type { GraphFlags } from '../commands/graph.ts';

/** Runs `weft graph` (its definition: cli/commands/graph.ts). */
export async function runGraph(io: CliIO, flags: GraphFlags): Promise<void> {
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
  else if (flags.output === 'svg') io.stdout.write(renderSvg(topology));
  else io.stdout.write(flags.output === 'dot' ? renderDot(topology) : renderMermaid(topology));
}
