import { randomUUID } from 'node:crypto';
import { MongoClient } from 'mongodb';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { openMongoStore, openStore, type SpecStore } from '../../../../src/index.ts';
import { within } from '../../../harness/wait.ts';
import { startFakeMongod, type FakeMongod } from './fake-mongod.ts';
import { mongoTestServer } from './mongo-test-server.ts';

describe('openStore for mongodb: refusals that need no server', () => {
  it.each([
    ['an unknown weft option', 'mongodb://127.0.0.1:1/db?weftCollecton=x'],
    ['what MongoClient refuses (a port on mongodb+srv)', 'mongodb+srv://cluster.example:27017/db'],
    ['an option MongoClient does not know', 'mongodb://127.0.0.1:1/db?replicaSett=rs0'],
  ])('refuses %s with ERR_STORE_URL_INVALID', async (_, url) => {
    await expect(openStore(url)).rejects.toMatchObject({ name: 'WeftError', code: 'ERR_STORE_URL_INVALID' });
  });

  it('fails with ERR_STORE_UNAVAILABLE, password hidden, when no server answers in time', async () => {
    const started = Date.now();
    const failing = openMongoStore({ url: 'mongodb://weft:hunter2@127.0.0.1:1/db?serverSelectionTimeoutMS=300' });
    const error: unknown = await within(failing.then(() => undefined, (thrown: unknown) => thrown), 10_000);
    expect(error).toMatchObject({ name: 'WeftError', code: 'ERR_STORE_UNAVAILABLE' });
    expect(JSON.stringify(error) + String((error as Error).message)).not.toContain('hunter2');
    expect(Date.now() - started).toBeLessThan(8000);
  });
});

describe('openStore for mongodb: the server check, on a fake server answering the real handshake', () => {
  const fakes: FakeMongod[] = [];
  const fake = async (hello: Record<string, unknown>, answer?: Parameters<typeof startFakeMongod>[1]) => {
    const started = await startFakeMongod(hello, answer);
    fakes.push(started);
    return started;
  };
  afterEach(async () => {
    await Promise.all(fakes.splice(0).map((started) => started.close()));
  });

  it('refuses a standalone mongod with ERR_STORE_UNSUITABLE, before touching any collection', async () => {
    const server = await fake({});
    await expect(within(openStore(`mongodb://127.0.0.1:${server.port}/db`), 10_000)).rejects.toMatchObject({ name: 'WeftError', code: 'ERR_STORE_UNSUITABLE' });
    expect(server.commands).toContain('hello');
    expect(server.commands).not.toContain('listCollections');
  });

  it('refuses a replica-set member older than MongoDB 6.0 with ERR_STORE_UNSUITABLE', async () => {
    const server = await fake({ maxWireVersion: 13, msg: 'isdbgrid' });
    await expect(within(openStore(`mongodb://127.0.0.1:${server.port}/db`), 10_000)).rejects.toMatchObject({ code: 'ERR_STORE_UNSUITABLE' });
  });

  it('goes on to prepare the collection on a sharded cluster (mongos), and refuses a view there', async () => {
    const server = await fake({ msg: 'isdbgrid' }, (command) => {
      if ('listCollections' in command) return { cursor: { id: 0n, ns: 'db.$cmd.listCollections', firstBatch: [{ name: 'weft_specs', type: 'view', options: {} }] }, ok: 1 };
      return undefined;
    });
    await expect(within(openStore(`mongodb://127.0.0.1:${server.port}/db`), 10_000)).rejects.toMatchObject({ code: 'ERR_STORE_UNSUITABLE', params: { reason: expect.stringContaining('view') } });
    expect(server.commands).toContain('listCollections');
  });
});

const server = await mongoTestServer();

describe.skipIf(server.skip !== undefined)(`MongoStore against a server${server.skip === undefined ? '' : ` (skipped: ${server.skip})`}`, () => {
  const collection = `specs_${randomUUID().slice(0, 8)}`;
  const url = () => `${server.url!}${server.url!.includes('?') ? '&' : '?'}weftCollection=${collection}`;
  const opened: SpecStore[] = [];
  const open = async () => {
    const store = await openStore(url());
    opened.push(store);
    return store;
  };
  const client = server.url === undefined ? undefined : new MongoClient(server.url);
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((store) => store.close()));
  });
  afterAll(async () => {
    await client?.db().dropCollection(collection).catch(() => {});
    await client?.close();
    if (server.skip === undefined) await server.stop();
  });

  it('stores each spec as a document whose _id is the spec id, in the collection weftCollection names', async () => {
    const store = await open();
    const namespace = `ns-${randomUUID().slice(0, 8)}`;
    const [stored] = await store.insert([{ kind: 'snippet', namespace, name: 'a' }]);
    const document = await client!.db().collection(collection).findOne({ _id: stored!.id as never });
    expect(document).toMatchObject({ _id: stored!.id, namespace, name: 'a', revision: 1 });
    expect(document).not.toHaveProperty('id');
    expect(await store.find({ namespace })).toEqual([stored]);
  });

  it('enables change-stream pre-images and creates the unique partial (namespace, name) index', async () => {
    await open();
    const [info] = await client!.db().listCollections({ name: collection }).toArray();
    expect(info).toMatchObject({ options: { changeStreamPreAndPostImages: { enabled: true } } });
    const indexes = await client!.db().collection(collection).indexes();
    expect(indexes.find((index) => index.name === 'weft_namespace_name')).toMatchObject({ unique: true, key: { namespace: 1, name: 1 }, partialFilterExpression: { name: { $type: 'string' } } });
  });

  it('lets exactly one of two concurrent writers take a name', async () => {
    const [first, second] = [await open(), await open()];
    const namespace = `ns-${randomUUID().slice(0, 8)}`;
    const results = await Promise.allSettled([first.insert([{ kind: 'snippet', namespace, name: 'x' }]), second.insert([{ kind: 'snippet', namespace, name: 'x' }])]);
    expect(results.filter((result) => result.status === 'fulfilled')).toHaveLength(1);
    expect(results.find((result) => result.status === 'rejected')).toMatchObject({ reason: { code: 'ERR_NAME_TAKEN' } });
    expect(await first.find({ namespace })).toHaveLength(1);
  });
});
