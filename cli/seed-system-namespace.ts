import { existsSync } from 'node:fs';
import { BlockList, isIP } from 'node:net';
import { fileURLToPath } from 'node:url';
import { WeftError, type Logger, type Scheme, type SpecStore } from '../src/index.ts';
import { applySpecs } from './apply-specs.ts';
import type { CliIO } from './io.ts';
import { readSpecs, type SourcedSpec } from './read-specs.ts';
import { SYSTEM_NAMESPACE } from './system-namespace.ts';

/** Re-exported for the callers that import it from here (it lives in system-namespace.ts, free of imports). */
export { SYSTEM_NAMESPACE };

/** Where the shipped specs are, relative to this file in the sources (cli/) and in the build (dist/cli/). */
const CANDIDATES = ['../namespaces/system/', '../../namespaces/system/'];

/** The folder of the shipped `system` namespace (docs/admin-api.md), from the sources or the build. */
export function systemNamespaceFolder(): string {
  for (const candidate of CANDIDATES) {
    const path = fileURLToPath(new URL(candidate, import.meta.url));
    if (existsSync(path)) return path;
  }
  throw new WeftError('ERR_FILE_UNREADABLE', { file: 'namespaces/system/', reason: 'the shipped system namespace is missing from the weft package' });
}

/** What seeding needs: the store and scheme of the engine, and its logger. */
export interface SeedOptions {
  readonly store: SpecStore;
  readonly scheme: Scheme;
  readonly logger: Logger;
  /** Whether WEFT_SYSTEM_HOST may name an address beyond loopback (--admin-bind-public); default false. */
  readonly bindPublic?: boolean;
}

/**
 * Writes the shipped admin workflow into the `system` namespace when that namespace holds no
 * spec, and returns how many specs it wrote (0 when the namespace was not empty: what is stored
 * wins). The listener's address comes from WEFT_SYSTEM_HOST (default 127.0.0.1) and
 * WEFT_SYSTEM_PORT (default 8001: the examples serve on 8000), read only when seeding; a host beyond loopback is refused
 * (ERR_CONFIG_INVALID) unless `bindPublic`, before anything is written that could not run.
 */
export async function seedSystemNamespace(io: CliIO, options: SeedOptions): Promise<number> {
  const address = adminAddress(io);
  if (address.host !== undefined && options.bindPublic !== true && !isLoopback(address.host)) {
    throw new WeftError('ERR_CONFIG_INVALID', {
      reason: `WEFT_SYSTEM_HOST=${address.host} would expose the admin API beyond this machine; add --admin-bind-public (WEFT_ADMIN_BIND_PUBLIC=true) if that is what you want`,
    });
  }
  const stored = await options.store.find({ namespace: SYSTEM_NAMESPACE });
  if (stored.length > 0) {
    if (address.host !== undefined || address.port !== undefined) {
      options.logger.warn({ namespace: SYSTEM_NAMESPACE }, 'WEFT_SYSTEM_HOST/WEFT_SYSTEM_PORT ignored: the namespace already holds specs (change its listener with weft apply)');
    }
    return 0;
  }
  const specs = (await readSpecs([systemNamespaceFolder()], io)).map((sourced) => withAddress(sourced, address));
  const result = await applySpecs(specs, { scheme: options.scheme, namespace: SYSTEM_NAMESPACE, store: options.store, allowDangling: true });
  options.logger.info({ namespace: SYSTEM_NAMESPACE, specs: result.specs.length }, 'loaded the shipped system namespace');
  return result.specs.length;
}

interface Address {
  readonly host?: string;
  readonly port?: number;
}

function adminAddress(io: CliIO): Address {
  const host = io.env.WEFT_SYSTEM_HOST || undefined;
  const text = io.env.WEFT_SYSTEM_PORT || undefined;
  if (text === undefined) return { host };
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65_535) {
    throw new WeftError('ERR_CONFIG_INVALID', { reason: `WEFT_SYSTEM_PORT must be a TCP port (0-65535), got "${text}"` });
  }
  return { host, port };
}

const LOOPBACK = new BlockList();
LOOPBACK.addSubnet('127.0.0.0', 8, 'ipv4');
LOOPBACK.addAddress('::1', 'ipv6');

/**
 * The listener kind's loopback test (codecs/network/listener/host-names.ts), repeated here
 * because the CLI does not import node kinds.
 */
function isLoopback(host: string): boolean {
  const address = host.replace(/^\[(.*)\]$/, '$1');
  if (address.toLowerCase() === 'localhost') return true;
  const family = isIP(address);
  return family !== 0 && LOOPBACK.check(address, family === 4 ? 'ipv4' : 'ipv6');
}

function withAddress(sourced: SourcedSpec, address: Address): SourcedSpec {
  if (sourced.spec.kind !== 'listener') return sourced;
  const spec = { ...sourced.spec };
  if (address.host !== undefined) spec.host = address.host;
  if (address.port !== undefined) spec.port = address.port;
  return { ...sourced, spec };
}
