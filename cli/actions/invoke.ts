import { pino } from 'pino';
import {
  OutPort, Packet, Runtime, specSyscalls, WeftError, type Logger, type Scheme, type SpecStore, type StoredSpec,
} from '../../src/index.ts';
import { openStore } from '../../src/store/index.ts';
import { createLanguages, createScheme } from '../context.ts';
import { configFor } from '../config-for.ts';
import { ExitStatus } from '../exit-status.ts';
import type { CliIO } from '../io.ts';
import { downstreamSpecs, isSource } from '../invoke/downstream-specs.ts';
import { readData } from '../invoke/read-data.ts';
import type { InvokeFlags } from '../commands/invoke.ts';

function findTarget(specs: readonly StoredSpec[], name: string, namespace: string, scheme: Scheme): StoredSpec {
  const target = specs.find((spec) => spec.name === name) ?? specs.find((spec) => spec.id === name);
  if (target === undefined) throw new ExitStatus(2, new WeftError('ERR_SPEC_NOT_FOUND', { spec: `${namespace}/${name}` }));
  if (isSource(target, scheme) || !(scheme.portsOf(target)?.in.includes('in') ?? true)) {
    throw new ExitStatus(2, new WeftError('ERR_PORT_UNKNOWN', { spec: `${namespace}/${name}`, direction: 'in', port: 'in', kind: target.kind }));
  }
  return target;
}

interface Invocation {
  readonly store: SpecStore;
  readonly scheme: Scheme;
  readonly specs: readonly StoredSpec[];
  readonly target: StoredSpec;
  readonly payload: unknown;
  readonly logger: Logger;
  readonly config: ReturnType<typeof configFor>;
}

async function invoke(options: Invocation): Promise<Packet> {
  const { config, scheme } = options;
  const copies = await openStore('memory://');
  await copies.insert(options.specs.map(({ revision: _revision, ...spec }) => spec));
  const languages = createLanguages(config.sandbox);
  const runtime = new Runtime({
    namespace: config.namespace,
    store: copies,
    scheme,
    languages,
    logger: options.logger,
    drainTimeoutMs: config.drainTimeoutMs,
    processTimeoutMs: config.processTimeoutMs,
    syscalls: specSyscalls({ store: options.store, scheme, languages, namespace: config.namespace }),
  });
  try {
    await runtime.start();
    const port = runtime.table.get(options.target.id)?.node.in('in');
    if (port === undefined) {
      const failure = runtime.loader.failures.get(options.target.id);
      return new Packet(failure?.error ?? new WeftError('ERR_NODE_UNAVAILABLE', { node: options.target.name ?? options.target.id, reason: 'it did not load' }));
    }
    const out = new OutPort('invoke');
    out.link(port);
    const process = runtime.processes.spawn();
    let reply: Packet;
    try {
      reply = await out.write(process, new Packet(options.payload));
    } catch (thrown) {
      reply = new Packet(thrown instanceof Error ? thrown : new Error(String(thrown)));
    }
    await process.finish(reply.payload instanceof Error ? reply.payload : undefined);
    return reply;
  } finally {
    await runtime.close();
  }
}

/** JSON text of a reply, indented: bigints as numbers (or strings beyond 2^53). */
function jsonText(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) => {
    if (typeof item !== 'bigint') return item;
    return Number.isSafeInteger(Number(item)) ? Number(item) : item.toString();
  }, 2) ?? 'null';
}

/** Runs `weft invoke` (its definition: cli/commands/invoke.ts). */
export async function runInvoke(io: CliIO, name: string, flags: InvokeFlags): Promise<void> {
  const config = configFor(io, { ...flags, logLevel: flags.logLevel ?? 'warn' });
  let payload: unknown;
  try {
    payload = await readData(flags.data, io);
  } catch (thrown) {
    throw new ExitStatus(2, thrown);
  }
  const logger = pino({ level: config.logLevel }, io.stderr) as unknown as Logger;
  const scheme = createScheme();
  const store = await openStore(config.store, { cwd: io.cwd, logger });
  let reply: Packet;
  try {
    const specs = await store.find({ namespace: config.namespace });
    const target = findTarget(specs, name, config.namespace, scheme);
    reply = await invoke({ store, scheme, specs: downstreamSpecs(specs, target, scheme), target, payload, logger, config });
  } finally {
    await store.close();
  }
  if (reply === Packet.None) return;
  if (reply.payload instanceof Error) throw new ExitStatus(1, reply.payload);
  if (reply.payload instanceof Uint8Array) io.stdout.write(reply.payload);
  else io.stdout.write(`${jsonText(reply.payload)}\n`);
}
