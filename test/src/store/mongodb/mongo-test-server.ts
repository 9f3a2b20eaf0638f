/** A MongoDB replica set the tests may use, or why there is none. */
export type MongoTestServer =
  | { readonly url: string; readonly stop: () => Promise<void>; readonly skip?: undefined }
  | { readonly skip: string; readonly url?: undefined };

const START_TIMEOUT_MS = 60_000;

let started: Promise<MongoTestServer> | undefined;

/**
 * The MongoDB server of this test file: `WEFT_TEST_MONGODB_URL` when set (a replica set the
 * developer runs), else a one-member MongoMemoryReplSet on a mongod that is already on the
 * machine (`MONGOMS_SYSTEM_BINARY`, or mongodb-memory-server's binary cache). It never downloads
 * a binary (the download is what hangs or fails on machines without network access), and the
 * start is bounded; otherwise the result says why there is no server, in one line.
 */
export function mongoTestServer(): Promise<MongoTestServer> {
  started ??= start();
  return started;
}

async function start(): Promise<MongoTestServer> {
  const given = process.env.WEFT_TEST_MONGODB_URL;
  if (given !== undefined && given !== '') return { url: given, stop: async () => {} };
  process.env.MONGOMS_RUNTIME_DOWNLOAD = 'false';
  const { DryMongoBinary, MongoMemoryReplSet } = await import('mongodb-memory-server');
  let binary: string | undefined;
  try {
    binary = await DryMongoBinary.locateBinary(DryMongoBinary.getEnsuredOptions());
  } catch (thrown) {
    return { skip: `no usable mongod (${firstLine(thrown)}); set WEFT_TEST_MONGODB_URL or MONGOMS_SYSTEM_BINARY` };
  }
  if (binary === undefined) {
    return { skip: 'no MongoDB server: set WEFT_TEST_MONGODB_URL (a replica set) or MONGOMS_SYSTEM_BINARY (a mongod 6.0+); no binary is downloaded' };
  }
  let timer: NodeJS.Timeout | undefined;
  const creating = MongoMemoryReplSet.create({ binary: { systemBinary: binary }, replSet: { count: 1, storageEngine: 'wiredTiger' } });
  try {
    const timeout = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`not started within ${START_TIMEOUT_MS} ms`)), START_TIMEOUT_MS)));
    const replSet = await Promise.race([creating, timeout]);
    return { url: replSet.getUri('weft_test'), stop: async () => void (await replSet.stop()) };
  } catch (thrown) {
    void creating.then((replSet) => replSet.stop(), () => {});
    return { skip: `mongodb-memory-server could not start ${binary}: ${firstLine(thrown)}` };
  } finally {
    clearTimeout(timer);
  }
}

function firstLine(thrown: unknown): string {
  return (thrown instanceof Error ? thrown.message : String(thrown)).split('\n')[0]!.slice(0, 200);
}
