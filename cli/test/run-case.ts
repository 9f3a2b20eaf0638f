import {
  MemoryStore, OutPort, Packet, Runtime, Scheme, WeftError,
  type InPort, type LanguageRegistry, type Logger, type Spec, type StoredSpec,
} from '../../src/index.ts';
import { coreKinds } from '../../schemes/core.ts';
import { downstreamSpecs, isSource } from '../invoke/downstream-specs.ts';
import { checkExpectations, type Failure } from './check-expectations.ts';
import { httpAnswer, type HttpAnswer } from './http-answer.ts';
import { MOCK_KIND, mockDefinition } from './mock-kind.ts';
import { PacketRecorder } from './packet-recorder.ts';
import type { TestCase, TestRequest } from './test-file.ts';

/** What running one case gave: its failures (none: it passed) and how long it took. */
export interface CaseResult {
  readonly failures: readonly Failure[];
  readonly durationMs: number;
}

/** Where a case runs: its namespace and what `{{ env.NAME }}` reads. */
export interface CaseScope {
  readonly namespace: string;
  readonly env: Readonly<Record<string, string>>;
}

/** The services every case of a `weft test` run shares. */
export interface CaseServices {
  readonly languages: LanguageRegistry;
  readonly logger: Logger;
  /** How long one case's process may run (default 10 s). */
  readonly timeoutMs?: number;
}

/** The scheme of a test run: the core kinds and the mock kind. */
const scheme = new Scheme({ kinds: [...coreKinds, mockDefinition] });

/** Why a case could not run as written (no such node, a node that did not load). */
class Unrunnable extends Error {
  readonly error: Error;

  constructor(error: Error) {
    super(error.message);
    this.error = error;
  }
}

/**
 * Runs one case in a runtime of its own over a memory store: the specs under test with the
 * case's mocks in place of the nodes they name, sources (listeners, consumers, schedules) left
 * out so nothing binds a port or consumes, and only what the entry reaches loaded. A packet
 * case writes its payload to the node's in-port; a request case writes the request map the
 * listener would build to what the listener's `out` links to (and an error reply on to what
 * its `error` links to), then maps the reply to the response the listener would write.
 */
export async function runCase(specs: readonly Spec[], testCase: TestCase, scope: CaseScope, services: CaseServices): Promise<CaseResult> {
  const started = performance.now();
  const recorder = new PacketRecorder();
  let failures: Failure[];
  try {
    const { reply, http } = await execute(specs, testCase, scope, services, recorder);
    failures = checkExpectations(testCase.expect, reply, http, recorder);
  } catch (thrown) {
    if (!(thrown instanceof Unrunnable)) throw thrown;
    failures = [{ what: 'the case could not run', expected: 'an entry that loads', actual: errorText(thrown.error) }];
  }
  return { failures, durationMs: performance.now() - started };
}

async function execute(specs: readonly Spec[], testCase: TestCase, scope: CaseScope, services: CaseServices, recorder: PacketRecorder): Promise<{ reply: Packet; http?: HttpAnswer }> {
  const { namespace, env } = scope;
  const catalog = new MemoryStore();
  const stored = await catalog.insert(mocked(specs, testCase, namespace));
  const byName = (name: string) => stored.find((spec) => spec.name === name) ?? stored.find((spec) => spec.id === name);
  let entries: { readonly spec: StoredSpec; readonly port: string }[];
  let errorEntries: { readonly spec: StoredSpec; readonly port: string }[] = [];
  let listenerName = '';
  const input = testCase.input;
  if (input.type === 'packet') {
    const target = byName(input.node);
    if (target === undefined) throw new Unrunnable(new WeftError('ERR_NODE_NOT_FOUND', { namespace, node: input.node }));
    if (isSource(target, scheme)) throw new Unrunnable(new WeftError('ERR_PORT_UNKNOWN', { spec: `${namespace}/${input.node}`, direction: 'in', port: input.port, kind: target.kind }));
    entries = [{ spec: target, port: input.port }];
  } else {
    const listener = findListener(stored, input.request.listener, namespace);
    listenerName = listener.name ?? listener.id;
    const targets = (port: string) => (listener.links?.[port] ?? []).map((link) => {
      const spec = link.id !== undefined ? stored.find((item) => item.id === link.id) : byName(link.name ?? '');
      if (spec === undefined) throw new Unrunnable(new WeftError('ERR_NODE_NOT_FOUND', { namespace, node: link.name ?? link.id ?? '' }));
      return { spec, port: link.port };
    });
    entries = targets('out');
    errorEntries = targets('error');
  }
  const kept = new Map<string, StoredSpec>();
  for (const entry of [...entries, ...errorEntries]) for (const spec of downstreamSpecs(stored, entry.spec, scheme)) kept.set(spec.id, spec);
  const store = new MemoryStore();
  await store.insert([...kept.values()].map(({ revision: _revision, ...spec }) => spec));
  const runtime = new Runtime({
    namespace, store, scheme, env, languages: services.languages, logger: services.logger, observer: recorder,
    processTimeoutMs: services.timeoutMs ?? 10_000, drainTimeoutMs: 1_000,
  });
  try {
    await runtime.start();
    const port = (entry: { spec: StoredSpec; port: string }): InPort => {
      const symbol = runtime.table.get(entry.spec.id);
      const found = symbol?.node.in(entry.port);
      if (found !== undefined) return found;
      const failure = runtime.loader.failures.get(entry.spec.id)?.error;
      throw new Unrunnable(failure ?? new WeftError('ERR_PORT_UNKNOWN', { spec: `${namespace}/${entry.spec.name ?? entry.spec.id}`, direction: 'in', port: entry.port, kind: entry.spec.kind }));
    };
    const out = new OutPort(input.type === 'packet' ? 'test' : 'out');
    for (const entry of entries) out.link(port(entry));
    const errorOut = new OutPort('error');
    for (const entry of errorEntries) errorOut.link(port(entry));
    const payload = input.type === 'packet' ? input.payload : requestPayload(input.request);
    const source = { node: input.type === 'packet' ? '(test)' : listenerName, port: 'out' };
    for (const entry of entries) recorder.record(source, { node: entry.spec.name ?? entry.spec.id, port: entry.port }, payload);
    const process = runtime.processes.spawn();
    let reply = await write(out, process, payload);
    if (reply.payload instanceof Error && errorEntries.length > 0) {
      for (const entry of errorEntries) recorder.record({ node: listenerName, port: 'error' }, { node: entry.spec.name ?? entry.spec.id, port: entry.port }, reply.payload);
      reply = await write(errorOut, process, reply.payload);
    }
    await process.finish(reply.payload instanceof Error ? reply.payload : undefined);
    return input.type === 'packet' ? { reply } : { reply, http: httpAnswer(reply) };
  } finally {
    await runtime.close();
  }
}

async function write(out: OutPort, process: ReturnType<Runtime['processes']['spawn']>, payload: unknown): Promise<Packet> {
  // An unlinked port (a listener that links nothing to out) answers with the packet itself; a listener would answer it too.
  try {
    return await out.write(process, new Packet(payload));
  } catch (thrown) {
    return new Packet(thrown instanceof Error ? thrown : new Error(String(thrown)));
  }
}

/** The specs of the namespace, each one a case mocks replaced by a mock node of the same name. */
function mocked(specs: readonly Spec[], testCase: TestCase, namespace: string): Spec[] {
  const result: Spec[] = specs.filter((spec) => (spec.namespace ?? namespace) === namespace).map((spec) => ({ ...spec, namespace }));
  for (const [name, mock] of Object.entries(testCase.mocks)) {
    const index = result.findIndex((spec) => spec.name === name);
    if (index === -1) throw new Unrunnable(new WeftError('ERR_NODE_NOT_FOUND', { namespace, node: `${name} (a mock names it)` }));
    const original = result[index]!;
    result[index] = { kind: MOCK_KIND, name, namespace, ...(original.id === undefined ? {} : { id: original.id }), mock } as Spec;
  }
  return result;
}

function findListener(specs: readonly StoredSpec[], name: string | undefined, namespace: string): StoredSpec {
  const listeners = specs.filter((spec) => spec.kind === 'listener' && (spec as { protocol?: unknown }).protocol !== 'grpc');
  const found = name === undefined ? (listeners.length === 1 ? listeners[0] : undefined) : listeners.find((spec) => spec.name === name);
  if (found !== undefined) return found;
  const names = listeners.map((spec) => spec.name ?? spec.id).join(', ') || 'none';
  if (name !== undefined) throw new Unrunnable(new WeftError('ERR_NODE_NOT_FOUND', { namespace, node: `${name} (an HTTP listener; the specs have: ${names})` }));
  // Not a coded error: the case itself is ambiguous, which only the specs it runs against tell.
  throw new Unrunnable(new Error(`request.listener must name one of the ${listeners.length} HTTP listeners of namespace ${namespace} (${names})`));
}

/** The request map a listener sends to out (codecs/network/listener/request-payload.ts), the body already decoded. */
function requestPayload(request: TestRequest): Record<string, unknown> {
  const { method, host, path, query, header, body } = request;
  return { method, host, path, query, protocol: 'HTTP/1.1', header, body, status: 0 };
}

function errorText(error: Error): string {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' ? `${code}: ${error.message}` : error.message;
}
