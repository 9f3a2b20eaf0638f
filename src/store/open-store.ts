import { WeftError } from '../errors/index.ts';
import type { SpecStore } from './spec-store.ts';
import type { StoreLogger } from './postgres/store-logger.ts';

/** The store weft uses when none is configured: a SQLite file in the project folder. */
export const DEFAULT_STORE_URL = 'sqlite://.weft/weft.db';

/** Options of `openStore`. */
export interface OpenStoreOptions {
  /** What a relative file path in the URL is relative to (default: the process's working directory). */
  readonly cwd?: string;
  /** Where a networked store logs connection outages and their end (weft's Logger or pino fits). */
  readonly logger?: StoreLogger;
}

type Driver = (rest: string, url: string, options: OpenStoreOptions) => Promise<SpecStore>;

/** One loader per URL scheme; each imports its driver only when used, so client libraries load on demand. */
const drivers: Readonly<Record<string, Driver>> = {
  memory: async (rest, url) => {
    if (rest !== '' && rest !== '//') throw invalidUrl(url, 'memory:// takes no host or path');
    const { MemoryStore } = await import('./memory/memory-store.ts');
    return new MemoryStore();
  },
  sqlite: async (rest, url, options) => {
    if (!rest.startsWith('//') || rest.length === 2) throw invalidUrl(url, 'expected sqlite://PATH, e.g. sqlite://.weft/weft.db or sqlite:///abs/path.db');
    const { SqliteStore } = await import('./sqlite/sqlite-store.ts');
    return new SqliteStore({ path: rest.slice(2), cwd: options.cwd, url });
  },
  mongodb: async (_rest, url, options) => openMongo(url, options),
  'mongodb+srv': async (_rest, url, options) => openMongo(url, options),
  postgres: async (_rest, url, options) => openPostgres(url, options),
  postgresql: async (_rest, url, options) => openPostgres(url, options),
};

async function openPostgres(url: string, options: OpenStoreOptions): Promise<SpecStore> {
  const { PostgresStore } = await import('./postgres/postgres-store.ts');
  return await PostgresStore.open({ url, logger: options.logger });
}

async function openMongo(url: string, options: OpenStoreOptions): Promise<SpecStore> {
  const { openMongoStore } = await import('./mongodb/open-mongo-store.ts');
  return await openMongoStore({ url, logger: options.logger });
}

/**
 * Opens the store a URL names: `memory://`, `sqlite://PATH` (a relative PATH is relative to
 * `options.cwd`), `postgres://…` (`postgresql://`) or `mongodb://…` (`mongodb+srv://`). Throws ERR_STORE_URL_INVALID for a malformed URL or an unknown scheme, and
 * ERR_STORE_UNAVAILABLE when the store cannot be reached (a MongoDB server weft cannot use: ERR_STORE_UNSUITABLE).
 */
export async function openStore(url: string, options: OpenStoreOptions = {}): Promise<SpecStore> {
  const match = /^([a-z][a-z0-9+.-]*):(.*)$/is.exec(url);
  if (match === null) throw invalidUrl(url, 'it has no scheme (memory:, sqlite:)');
  const scheme = match[1]!.toLowerCase();
  const driver = Object.hasOwn(drivers, scheme) ? drivers[scheme] : undefined;
  if (driver === undefined) throw invalidUrl(url, `unknown scheme "${scheme}:" (known: ${Object.keys(drivers).map((name) => `${name}:`).join(', ')})`);
  return await driver(match[2]!, url, options);
}

function invalidUrl(url: string, reason: string): WeftError {
  return new WeftError('ERR_STORE_URL_INVALID', { url: redactStoreUrl(url), reason });
}

/** A store URL without its password, fit for messages and logs. */
export function redactStoreUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/@:]*):[^/@]*@/i, '$1:***@');
}
