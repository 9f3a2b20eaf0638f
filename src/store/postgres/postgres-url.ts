import { WeftError } from '../../errors/index.ts';

/** What a `postgres://` URL says: how to connect, and where weft's tables are. */
export interface PostgresLocation {
  /** The URL for node-postgres: the given one without weft's own parameters. */
  readonly connectionString: string;
  /** The same without `application_name`, so the LISTEN connection can name itself. */
  readonly listenConnectionString: string;
  /** The schema of weft's tables (`?schema=`, default `public`). */
  readonly schema: string;
  /** The specs table (`?table=`, default `weft_specs`); the others are named after it. */
  readonly table: string;
  /** The URL without its password, fit for messages and `store.url`. */
  readonly redacted: string;
}

/** An unquoted identifier short enough that every derived name stays within PostgreSQL's 63 bytes. */
const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,39}$/;

/**
 * Reads a `postgres://USER:PASSWORD@HOST:PORT/DATABASE?schema=S&table=T` (or `postgresql://`)
 * URL. `schema` and `table` are weft's and are removed before connecting; every other query
 * parameter (`sslmode`, `application_name`, …) goes to node-postgres unchanged. Throws
 * ERR_STORE_URL_INVALID for a URL that does not parse or a schema/table that is not a plain
 * identifier (letters, digits and `_`, at most 40 characters).
 */
export function parsePostgresUrl(url: string): PostgresLocation {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw invalid(url, 'expected postgres://USER@HOST:PORT/DATABASE (see docs/stores.md)');
  }
  if (parsed.protocol !== 'postgres:' && parsed.protocol !== 'postgresql:') throw invalid(url, 'expected a postgres:// or postgresql:// URL');
  const schema = parsed.searchParams.get('schema') ?? 'public';
  const table = parsed.searchParams.get('table') ?? 'weft_specs';
  for (const [param, value] of [['schema', schema], ['table', table]] as const) {
    if (!IDENTIFIER.test(value)) throw invalid(url, `${param} "${value}" must be a letter or _ followed by at most 39 letters, digits or _`);
  }
  const connection = new URL(parsed.href);
  connection.searchParams.delete('schema');
  connection.searchParams.delete('table');
  const ownParams = parsed.searchParams.has('schema') || parsed.searchParams.has('table');
  const connectionString = ownParams ? connection.href : url;
  connection.searchParams.delete('application_name');
  const redacted = new URL(parsed.href);
  redacted.password = '';
  redacted.searchParams.delete('password');
  return { connectionString, listenConnectionString: connection.href, schema, table, redacted: redacted.href };
}

function invalid(url: string, reason: string): WeftError {
  return new WeftError('ERR_STORE_URL_INVALID', { url: url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/@:]*):[^/@]*@/i, '$1:***@'), reason });
}
