import { stringify } from 'yaml';
import { EngineRegistry, isValueStore, WeftError, type NamespaceStatus, type StoredSpec } from '../../src/index.ts';
import type { DescribeFlags } from '../commands/describe.ts';
import { configFor } from '../config-for.ts';
import type { CliIO } from '../io.ts';
import { opsRequest } from '../ops/ops-request.ts';
import { renderLinks } from '../print.ts';
import { withExistingStore } from '../with-existing-store.ts';

/** What the running engine says of the node, or why nothing could be asked. */
interface Live {
  readonly ops?: string;
  readonly unavailable?: string;
  readonly node?: NamespaceStatus['nodes'][number];
  readonly metrics?: NodeMetrics;
}

/** The ops plane's `/v1/nodes/NS/NAME/metrics` answer (the fields shown). */
interface NodeMetrics {
  readonly packetsIn: number;
  readonly packetsOut: number;
  readonly errors: number;
  readonly inFlight: number;
  readonly avgLatencyMs: number;
  readonly maxLatencyMs: number;
  readonly recentErrors: readonly { readonly at?: string; readonly code?: string; readonly message?: string }[];
}

/** Runs `weft describe` (its definition: cli/commands/describe.ts). */
export async function runDescribe(io: CliIO, name: string, flags: DescribeFlags): Promise<void> {
  const config = configFor(io, flags);
  const namespace = config.namespace;
  const { spec, engineOps } = await withExistingStore(io, config, async (store) => {
    const byName = await store.find({ namespace, name: [name] });
    const found = byName[0] ?? (await store.find({ namespace })).find((candidate) => candidate.id === name);
    const engines = flags.ops === undefined && config.ops === undefined && isValueStore(store) ? await new EngineRegistry(store).list() : [];
    return { spec: found, engineOps: engines.find((engine) => engine.namespace === namespace && !engine.stale && engine.ops !== null)?.ops ?? undefined };
  }, 'reading');
  if (spec === undefined) throw new WeftError('ERR_SPEC_NOT_FOUND', { spec: `${namespace}/${name}` });
  const live = await askEngine(spec, flags.ops ?? config.ops ?? engineOps, flags.token ?? (io.env.WEFT_TOKEN || undefined));
  const format = flags.output ?? 'table';
  const described = { spec, engine: live };
  if (format === 'json') io.stdout.write(`${JSON.stringify(described, errorsAsText, 2)}\n`);
  else if (format === 'yaml') io.stdout.write(stringify(JSON.parse(JSON.stringify(described, errorsAsText))));
  else io.stdout.write(renderDescription(spec, live));
}

async function askEngine(spec: StoredSpec, ops: string | undefined, token: string | undefined): Promise<Live> {
  if (ops === undefined) return { unavailable: 'no running engine known (give --ops HOST:PORT, or start the engine with --ops)' };
  const key = encodeURIComponent(spec.name ?? spec.id);
  const namespace = encodeURIComponent(spec.namespace);
  try {
    const status = (await opsRequest({ address: ops, token, method: 'GET', path: `/v1/namespaces/${namespace}/status`, timeoutMs: 5000 })) as NamespaceStatus;
    const node = status.nodes.find((candidate) => candidate.id === spec.id || (spec.name !== undefined && candidate.name === spec.name));
    const metrics = (await opsRequest({ address: ops, token, method: 'GET', path: `/v1/nodes/${namespace}/${key}/metrics`, timeoutMs: 5000 })) as NodeMetrics;
    return node === undefined ? { ops, metrics, unavailable: 'the engine has not loaded this spec' } : { ops, node, metrics };
  } catch (thrown) {
    return { ops, unavailable: thrown instanceof Error ? thrown.message : String(thrown) };
  }
}

/** The kubectl-describe style text. */
function renderDescription(spec: StoredSpec, live: Live): string {
  const { id, kind, namespace, name, revision, links, annotations, ...rest } = spec;
  const lines: [string, string][] = [
    ['Name', name ?? '<none>'], ['Namespace', namespace], ['Kind', kind], ['Id', id], ['Revision', String(revision)],
    ['Links', renderLinks(links)],
  ];
  if (annotations !== undefined && Object.keys(annotations).length > 0) lines.push(['Annotations', Object.entries(annotations).map(([key, value]) => `${key}=${value}`).join(', ')]);
  if (live.node !== undefined) {
    lines.push(['State', live.node.state]);
    const reason = errorText(live.node.error) ?? (live.node.problems.length > 0 ? live.node.problems.join('; ') : undefined);
    if (reason !== undefined) lines.push(['Reason', reason]);
    const pending = errorText(live.node.pendingError);
    if (pending !== undefined) lines.push(['Pending', `a newer revision failed to load: ${pending}`]);
  } else lines.push(['State', `unknown: ${live.unavailable ?? 'no answer'}`]);
  const metrics = live.metrics;
  if (metrics !== undefined) {
    lines.push(['Packets', `in ${metrics.packetsIn}, out ${metrics.packetsOut}, in flight ${metrics.inFlight}`]);
    lines.push(['Errors', String(metrics.errors)]);
    lines.push(['Latency', `avg ${metrics.avgLatencyMs.toFixed(2)} ms, max ${metrics.maxLatencyMs.toFixed(2)} ms (sampled)`]);
  }
  if (live.ops !== undefined) lines.push(['Engine', live.ops]);
  const width = Math.max(...lines.map(([label]) => label.length)) + 2;
  let text = lines.map(([label, value]) => `${`${label}:`.padEnd(width)}${value}`).join('\n') + '\n';
  const recent = metrics?.recentErrors ?? [];
  if (recent.length > 0) text += `Last errors:\n${recent.map((error) => `  ${error.at ?? ''} ${error.code ?? ''} ${error.message ?? ''}`.trimEnd()).join('\n')}\n`;
  text += `Fields:\n${stringify(rest).trimEnd().split('\n').map((line) => `  ${line}`).join('\n')}\n`;
  return text;
}

function errorText(error: unknown): string | undefined {
  if (error === undefined || error === null) return undefined;
  if (typeof error === 'object' && 'message' in error) return String((error as { message: unknown }).message);
  return String(error);
}

/** JSON replacer: an Error (a node's load error) as its code and message. */
function errorsAsText(_key: string, value: unknown): unknown {
  return value instanceof Error ? { ...('code' in value ? { code: (value as { code: unknown }).code } : {}), message: value.message } : value;
}
