import { WeftError } from '../../errors/index.ts';

/** What a `mongodb://` or `mongodb+srv://` store URL says, split into the driver's part and weft's. */
export interface MongoUrl {
  /** The URL for MongoClient: the given one without weft's own options. */
  readonly clientUrl: string;
  /** The database named by the URL path (default `weft`). */
  readonly database: string;
  /** The collection holding the specs (`weftCollection`, default `weft_specs`). */
  readonly collection: string;
  /** The given URL with its password replaced by `***`, fit for `store.url` and messages. */
  readonly redacted: string;
  /** True when the URL sets `serverSelectionTimeoutMS` itself. */
  readonly setsServerSelectionTimeout: boolean;
  /** True when the URL sets `connectTimeoutMS` itself. */
  readonly setsConnectTimeout: boolean;
}

/** The collection weft uses when the URL names none. */
export const DEFAULT_COLLECTION = 'weft_specs';
/** The database weft uses when the URL path names none (the driver's own default would be `test`). */
export const DEFAULT_DATABASE = 'weft';

/** weft's own URL options (compared case-insensitively, as MongoDB compares its options). */
const WEFT_OPTIONS = ['weftCollection'] as const;

/**
 * Parses `mongodb://[user:pass@]host[:port][,host…][/database][?options]` (or `mongodb+srv://`).
 * Options whose name starts with `weft` are weft's and are removed from `clientUrl`, because
 * MongoClient refuses options it does not know; every other option is passed on untouched.
 * Throws ERR_STORE_URL_INVALID for a URL without hosts, an unknown `weft…` option, or a database
 * or collection name MongoDB would refuse. The driver checks the rest when the client is made.
 */
export function parseMongoUrl(url: string): MongoUrl {
  const redacted = redactMongoUrl(url);
  const invalid = (reason: string) => new WeftError('ERR_STORE_URL_INVALID', { url: redacted, reason });
  const match = /^(mongodb(?:\+srv)?):\/\/([^/?]*)(?:\/([^?]*))?(?:\?(.*))?$/is.exec(url);
  if (match === null) throw invalid('expected mongodb://HOST[:PORT][,HOST…]/DATABASE?replicaSet=NAME or mongodb+srv://HOST/DATABASE');
  const [, scheme, authority = '', path = '', query] = match;
  const hosts = authority.slice(authority.lastIndexOf('@') + 1);
  if (hosts === '') throw invalid('it names no host');
  const database = decode(path, invalid) || DEFAULT_DATABASE;
  const databaseProblem = checkDatabaseName(database);
  if (databaseProblem !== undefined) throw invalid(databaseProblem);

  let collection = DEFAULT_COLLECTION;
  const kept: string[] = [];
  let setsServerSelectionTimeout = false;
  let setsConnectTimeout = false;
  for (const pair of query === undefined || query === '' ? [] : query.split('&')) {
    const equals = pair.indexOf('=');
    const key = decode(equals === -1 ? pair : pair.slice(0, equals), invalid);
    const value = equals === -1 ? '' : decode(pair.slice(equals + 1), invalid);
    if (!key.toLowerCase().startsWith('weft')) {
      if (key.toLowerCase() === 'serverselectiontimeoutms') setsServerSelectionTimeout = true;
      if (key.toLowerCase() === 'connecttimeoutms') setsConnectTimeout = true;
      kept.push(pair);
      continue;
    }
    if (key.toLowerCase() !== 'weftcollection') throw invalid(`unknown option "${key}" (weft's options: ${WEFT_OPTIONS.join(', ')})`);
    const problem = checkCollectionName(value);
    if (problem !== undefined) throw invalid(problem);
    collection = value;
  }
  const clientUrl = `${scheme}://${authority}/${path}${kept.length > 0 ? `?${kept.join('&')}` : ''}`;
  return { clientUrl, database, collection, redacted, setsServerSelectionTimeout, setsConnectTimeout };
}

/** The URL with the password of its user info replaced by `***`. */
export function redactMongoUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/?@:]*):[^/?]*@/i, '$1:***@');
}

function decode(text: string, invalid: (reason: string) => WeftError): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw invalid(`"${text}" is not percent-encoded correctly`);
  }
}

/** MongoDB's rules for database names on every platform it runs on. */
function checkDatabaseName(name: string): string | undefined {
  if (/[/\\. "$*<>:|?\0]/.test(name)) return `database name "${name}" may not contain any of / \\ . " $ * < > : | ? or a space`;
  if (Buffer.byteLength(name) > 63) return `database name "${name}" is longer than 63 bytes`;
  return undefined;
}

/** MongoDB's rules for collection names, plus the `system.` prefix it reserves. */
function checkCollectionName(name: string): string | undefined {
  if (name === '') return 'weftCollection is empty';
  if (/[$\0]/.test(name)) return `collection name "${name}" may not contain $ or a NUL character`;
  if (name.startsWith('system.')) return `collection name "${name}" uses the reserved prefix system.`;
  if (Buffer.byteLength(name) > 200) return `collection name "${name}" is longer than 200 bytes`;
  return undefined;
}
