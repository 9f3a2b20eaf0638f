import { createDefaultLanguages, createSnippetSandbox, Scheme, type HealthRegistry, type LanguageRegistry, type SpecStore } from '../src/index.ts';
import { openStore } from '../src/store/index.ts';
import { coreKinds } from '../schemes/core.ts';
import { loadConfig, type Config } from './config.ts';
import type { CliIO } from './io.ts';
import type { AdminFlags, StoreFlags } from './options.ts';

/** The scheme of the kinds weft ships. */
export function createScheme(): Scheme {
  return new Scheme({ kinds: coreKinds });
}

/**
 * The languages weft ships; javascript/typescript isolates run where `sandbox` says. With a
 * health registry, the sandbox pool is a readiness contributor named `sandbox`.
 */
export function createLanguages(isolation: Config['sandbox'] = 'process', health?: HealthRegistry): LanguageRegistry {
  const sandbox = createSnippetSandbox({ isolation });
  if (health !== undefined && sandbox.health !== undefined) health.register('sandbox', () => sandbox.health!());
  return createDefaultLanguages({ javascript: { isolation, sandbox } });
}

/** Resolves the layered configuration for a command's flags. */
export function configFor(io: CliIO, flags: StoreFlags & AdminFlags & { logLevel?: string; sandbox?: string }): Config {
  return loadConfig(io, {
    namespace: flags.namespace,
    store: flags.store,
    logLevel: flags.logLevel as Config['logLevel'] | undefined,
    sandbox: flags.sandbox as Config['sandbox'] | undefined,
    adminBindPublic: flags.adminBindPublic,
    adminHosts: flags.adminHost,
    ops: flags.ops,
    opsBindPublic: flags.opsBindPublic,
    insecure: flags.insecure,
  });
}

/** Opens the configured store (relative paths from the CLI's cwd), runs `work`, and closes it whatever happens. */
export async function withStore<T>(io: CliIO, config: Config, work: (store: SpecStore) => Promise<T>): Promise<T> {
  const store = await openStore(config.store, { cwd: io.cwd });
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}
