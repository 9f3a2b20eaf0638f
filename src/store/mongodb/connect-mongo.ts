import { MongoClient, type Collection, type MongoClientOptions } from 'mongodb';
import { WeftError } from '../../errors/index.ts';
import { checkServer, type HelloReply } from './check-server.ts';
import { mongoStoreError } from './mongo-store-error.ts';
import { parseMongoUrl } from './parse-mongo-url.ts';
import { prepareCollection } from './prepare-collection.ts';
import type { SpecDocument } from './spec-document.ts';

/** A connected client and the prepared spec collection of a MongoStore. */
export interface MongoConnection {
  readonly client: MongoClient;
  readonly collection: Collection<SpecDocument>;
  /** The store URL without its password. */
  readonly url: string;
}

/**
 * How long finding a server, and opening one connection, may take when the URL does not say
 * (the driver's own defaults are 30 s each): a CLI command facing a store that does not answer
 * fails within seconds, and `weft start` retries.
 */
export const DEFAULT_SERVER_SELECTION_TIMEOUT_MS = 5000;
/** See DEFAULT_SERVER_SELECTION_TIMEOUT_MS. */
export const DEFAULT_CONNECT_TIMEOUT_MS = 5000;

const COMMAND_NOT_FOUND = 59;

/**
 * Connects to the server a store URL names and fails fast when weft cannot use it: parses the
 * URL (ERR_STORE_URL_INVALID, also for what MongoClient refuses), connects (ERR_STORE_UNAVAILABLE
 * when no server answers in time), checks the `hello` reply (ERR_STORE_UNSUITABLE for a
 * standalone mongod or a server older than 6.0), and prepares the collection. On any failure
 * the client is closed again.
 */
export async function connectMongo(url: string, clientOptions: MongoClientOptions = {}): Promise<MongoConnection> {
  const parsed = parseMongoUrl(url);
  const defaults: MongoClientOptions = {
    ...(parsed.setsServerSelectionTimeout ? {} : { serverSelectionTimeoutMS: DEFAULT_SERVER_SELECTION_TIMEOUT_MS }),
    ...(parsed.setsConnectTimeout ? {} : { connectTimeoutMS: DEFAULT_CONNECT_TIMEOUT_MS }),
  };
  let client: MongoClient;
  try {
    client = new MongoClient(parsed.clientUrl, { ...defaults, ...clientOptions });
  } catch (thrown) {
    const reason = thrown instanceof Error ? thrown.message : String(thrown);
    throw new WeftError('ERR_STORE_URL_INVALID', { url: parsed.redacted, reason }, { cause: thrown });
  }
  try {
    await client.connect();
    const problem = checkServer(await hello(client, parsed.redacted));
    if (problem !== undefined) throw new WeftError('ERR_STORE_UNSUITABLE', { url: parsed.redacted, reason: problem });
    const collection = await prepareCollection(client.db(parsed.database), parsed.collection, parsed.redacted);
    return { client, collection, url: parsed.redacted };
  } catch (thrown) {
    await client.close().catch(() => {});
    throw mongoStoreError(thrown);
  }
}

async function hello(client: MongoClient, url: string): Promise<HelloReply> {
  try {
    return (await client.db('admin').command({ hello: 1 })) as HelloReply;
  } catch (thrown) {
    if ((thrown as { code?: unknown } | null)?.code !== COMMAND_NOT_FOUND) throw thrown;
    throw new WeftError('ERR_STORE_UNSUITABLE', { url, reason: 'the server does not know the hello command: it is older than MongoDB 4.4, weft needs 6.0 or later' }, { cause: thrown });
  }
}
