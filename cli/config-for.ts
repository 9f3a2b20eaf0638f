import { loadConfig, type Config } from './config.ts';
import type { CliIO } from './io.ts';
import type { AdminFlags, StoreFlags } from './options.ts';

/** Resolves the layered configuration for a command's flags. */
export function configFor(io: CliIO, flags: StoreFlags & AdminFlags & { logLevel?: string; logFormat?: string; sandbox?: string }): Config {
  return loadConfig(io, {
    namespace: flags.namespace,
    store: flags.store,
    logLevel: flags.logLevel as Config['logLevel'] | undefined,
    logFormat: flags.logFormat as Config['logFormat'] | undefined,
    sandbox: flags.sandbox as Config['sandbox'] | undefined,
    adminBindPublic: flags.adminBindPublic,
    adminHosts: flags.adminHost,
    ops: flags.ops,
    opsBindPublic: flags.opsBindPublic,
    insecure: flags.insecure,
  });
}
