import { WeftError } from '../../errors/index.ts';
import { Packet } from '../../packet/index.ts';
import { OutPort } from '../../port/index.ts';
import type { Runtime } from '../../runtime/index.ts';
import { errorJson, jsonPayload } from './json-payload.ts';

/** What `POST /v1/nodes/:namespace/:name/inject` answers: the reply of the process it ran. */
export interface InjectResult {
  readonly namespace: string;
  readonly node: string;
  readonly port: string;
  /** The id of the root process that ran. */
  readonly process: string;
  readonly durationMs: number;
  /** The reply's payload (JSON, see `jsonPayload`); null when the reply is an error. */
  readonly payload: unknown;
  /** The reply's error, when it is one. */
  readonly error?: { code: string; category: string; message: string };
}

/**
 * Runs one root process that starts at in-port `port` of the active node `name` with `value`
 * (seed 004's inject), and resolves with its reply. An injection is an operator's action: it
 * runs while the namespace is paused (it does not wait in the backlog), never while it shuts
 * down (ERR_SHUTTING_DOWN). Throws ERR_INJECT_INVALID, ERR_NODE_NOT_FOUND, ERR_NODE_NOT_ACTIVE
 * or ERR_PORT_UNKNOWN before anything runs.
 */
export async function inject(runtime: Runtime, name: string, body: unknown): Promise<InjectResult> {
  const { port: portName, value } = injectBody(body);
  const symbol = runtime.table.byName(name);
  if (symbol === undefined) {
    // A spec that fails to load is known to the loader only.
    const failed = runtime.status().find((node) => node.name === name);
    if (failed !== undefined) throw new WeftError('ERR_NODE_NOT_ACTIVE', { node: name, state: failed.state });
    throw new WeftError('ERR_NODE_NOT_FOUND', { namespace: runtime.namespace, node: name });
  }
  if (symbol.state !== 'active') throw new WeftError('ERR_NODE_NOT_ACTIVE', { node: name, state: symbol.state });
  const target = symbol.node.in(portName);
  if (target === undefined) throw new WeftError('ERR_PORT_UNKNOWN', { spec: `${runtime.namespace}/${name}`, direction: 'in', port: portName, kind: symbol.spec.kind });
  if (!runtime.processes.admitting) throw new WeftError('ERR_SHUTTING_DOWN');
  const out = new OutPort('inject');
  out.link(target);
  const process = runtime.processes.spawn();
  const started = performance.now();
  let reply: Packet;
  try {
    reply = await out.write(process, new Packet(value));
  } catch (thrown) {
    reply = new Packet(thrown instanceof Error ? thrown : new WeftError('ERR_INTERNAL', { reason: String(thrown) }));
  }
  const error = reply.payload instanceof Error ? reply.payload : undefined;
  await process.finish(error);
  const result = { namespace: runtime.namespace, node: name, port: portName, process: process.id, durationMs: performance.now() - started };
  return error === undefined ? { ...result, payload: jsonPayload(reply.payload) } : { ...result, payload: null, error: errorJson(error) };
}

/** The `{port, value}` of an inject request: port defaults to "in", value to null. */
function injectBody(body: unknown): { port: string; value: unknown } {
  if (body === undefined || body === null) return { port: 'in', value: null };
  if (typeof body !== 'object' || Array.isArray(body)) throw new WeftError('ERR_INJECT_INVALID', { reason: 'the body must be a JSON object {port, value}' });
  const { port = 'in', value = null, ...rest } = body as Record<string, unknown>;
  const extra = Object.keys(rest);
  if (extra.length > 0) throw new WeftError('ERR_INJECT_INVALID', { reason: `unknown field ${extra.map((key) => JSON.stringify(key)).join(', ')} (known: port, value)` });
  if (typeof port !== 'string' || port === '') throw new WeftError('ERR_INJECT_INVALID', { reason: 'port must be the name of an in-port, e.g. "in"' });
  return { port, value };
}
