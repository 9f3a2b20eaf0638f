import { Command } from 'commander';
import { pino } from 'pino';
import { Runtime, specSyscalls, type Logger } from '../../src/index.ts';
import { openStore } from '../../src/store/index.ts';
import { applySpecs } from '../apply-specs.ts';
import { adminNetworkPolicy } from '../admin-network-policy.ts';
import { collect, configFor, createLanguages, createScheme, storeOptions, type AdminFlags, type StoreFlags } from '../context.ts';
import type { CliIO } from '../io.ts';
import { readSpecs } from '../read-specs.ts';
import { seedSystemNamespace, SYSTEM_NAMESPACE } from '../seed-system-namespace.ts';

/**
 * `weft start`: upsert the given files into the namespace, then run it until SIGINT/SIGTERM.
 * `-n system` without `-f` first loads the shipped admin workflow when the namespace is empty.
 */
export function startCommand(io: CliIO): Command {
  const command = new Command('start')
    .description('run a namespace (after upserting the specs in -f files)')
    .option('-f, --filename <path>', 'file, directory or - to upsert first (repeatable)', collect)
    .option('--log-level <level>', 'trace | debug | info | warn | error | silent')
    .option('--sandbox <where>', 'where javascript/typescript snippets run: process (default) | in-process (trusted code)')
    .option('--admin-bind-public', 'let the system namespace (admin API) bind beyond loopback')
    .option('--admin-host <name>', 'a host name the admin API answers besides localhost (repeatable)', collect);
  return storeOptions(command).action(async (flags: StoreFlags & AdminFlags & { filename?: string[]; logLevel?: string; sandbox?: string }) => {
    const config = configFor(io, flags);
    const logger = pino({ level: config.logLevel, base: { pid: process.pid } }, io.stdout) as unknown as Logger;
    const scheme = createScheme();
    const sourced = await readSpecs(flags.filename ?? [], io);
    const store = await openStore(config.store, { cwd: io.cwd, logger });
    const runtime = new Runtime({
      namespace: config.namespace,
      store,
      scheme,
      languages: createLanguages(config.sandbox),
      logger,
      drainTimeoutMs: config.drainTimeoutMs,
      syscalls: specSyscalls({ store, scheme, namespace: config.namespace }),
      network: adminNetworkPolicy(config),
    });
    try {
      if (sourced.length > 0) await applySpecs(sourced, { scheme, namespace: config.namespace, store });
      else if (flags.filename === undefined && config.namespace === SYSTEM_NAMESPACE) await seedSystemNamespace(io, { store, scheme, logger, bindPublic: config.adminBindPublic });
      await runtime.start();
    } catch (thrown) {
      await runtime.close();
      throw thrown;
    }
    for (const node of runtime.status()) {
      if (node.state !== 'active') logger.warn({ node: node.name ?? node.id, state: node.state, problems: node.problems, err: node.error }, 'node is not active');
    }
    logger.info({ store: store.url }, 'weft is running; stop with Ctrl-C');
    // Signal handlers do not keep Node alive: an engine with no open socket must still wait for specs.
    const keepAlive = setInterval(() => {}, 2 ** 30);
    const signal = await new Promise<string>((resolve) => {
      process.once('SIGINT', () => resolve('SIGINT'));
      process.once('SIGTERM', () => resolve('SIGTERM'));
    });
    clearInterval(keepAlive);
    logger.info({ signal }, 'shutting down');
    await runtime.close();
  });
}
