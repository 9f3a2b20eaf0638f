import { randomUUID } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, type SpecStore } from '../../../../src/index.ts';
import { eventReader } from '../../../conformance/event-reader.ts';
import { until, within } from '../../../harness/wait.ts';
import { startFakeMongod, type FakeMongod } from './fake-mongod.ts';

/**
 * What MongoStore asks of the server, checked on the wire: the real driver talks to a fake
 * mongos that records each command and answers from a script. It pins the commands and options
 * weft relies on (transactions, change-stream options, indexes) without a mongod to run.
 */
describe('MongoStore on the wire (fake mongos)', () => {
  const ns = 'weft.weft_specs';
  let server: FakeMongod;
  let store: SpecStore | undefined;
  let found: Record<string, unknown>[] = [];
  let write: Record<string, unknown> | ((command: Record<string, unknown>) => Record<string, unknown>) = {};
  /** Change events the next getMore returns, and error replies the next getMores give (per server: a getMore of an earlier test's server may still wait). */
  let pending: Record<string, unknown>[] = [];
  let failures: Record<string, unknown>[] = [];
  /** While set, getMores wait for it (a server with nothing to report yet). */
  let held: Promise<void> | undefined;

  const open = async (query = '') => {
    const script = { pending: (pending = []), failures: (failures = []) };
    server = await startFakeMongod({ msg: 'isdbgrid' }, async (command) => {
      if ('listCollections' in command) return { cursor: { id: 0n, ns: 'weft.$cmd.listCollections', firstBatch: [] }, ok: 1 };
      if ('find' in command) return { cursor: { id: 0n, ns, firstBatch: found }, ok: 1 };
      if ('insert' in command || 'update' in command || 'delete' in command) return { ok: 1, ...(typeof write === 'function' ? write(command) : write) };
      if ('aggregate' in command) return { cursor: { id: 42n, ns, firstBatch: [], postBatchResumeToken: { _data: '8201' } }, ok: 1 };
      if ('getMore' in command) {
        await held;
        if (script.failures.length > 0) return script.failures.shift();
        await until(() => script.pending.length > 0 || script.failures.length > 0, 150).catch(() => {});
        if (script.failures.length > 0) return script.failures.shift();
        return { cursor: { id: 42n, ns, nextBatch: script.pending.splice(0), postBatchResumeToken: { _data: '82FF' } }, ok: 1 };
      }
      return undefined;
    });
    store = await within(openStore(`mongodb://127.0.0.1:${server.port}/weft${query}`), 10_000);
    return store;
  };
  const sent = (name: string) => server.received.filter((command) => name in command);

  afterEach(async () => {
    held = undefined;
    await store?.close();
    store = undefined;
    found = [];
    write = {};
    await server?.close();
  });

  it('reads find from the primary even when the URL prefers secondaries (a lagging member could miss a change the stream starts after)', async () => {
    await open('?readPreference=secondaryPreferred');
    await store!.find({ namespace: 'ns' });
    const [read] = sent('find');
    expect(read).toMatchObject({ filter: { namespace: 'ns' } });
    // The driver leaves $readPreference out for the primary.
    expect((read!.$readPreference as { mode?: string } | undefined)?.mode ?? 'primary').toBe('primary');
  });

  it('creates the collection with change-stream pre-images and the partial unique (namespace, name) index', async () => {
    await open();
    expect(sent('create')).toEqual([expect.objectContaining({ create: 'weft_specs', changeStreamPreAndPostImages: { enabled: true } })]);
    const [indexes] = sent('createIndexes');
    expect(indexes).toMatchObject({
      createIndexes: 'weft_specs',
      indexes: [
        { key: { namespace: 1, name: 1 }, name: 'weft_namespace_name', unique: true, partialFilterExpression: { name: { $type: 'string' } } },
        { key: { namespace: 1, _id: 1 }, name: 'weft_namespace_id' },
      ],
    });
  });

  it('inserts in one transaction: a snapshot read of what the call names, an ordered insert of documents keyed by _id, a majority commit', async () => {
    await open();
    const namespace = `ns-${randomUUID().slice(0, 8)}`;
    write = { n: 2 };
    const stored = await store!.insert([{ kind: 'snippet', namespace, name: 'a' }, { kind: 'snippet', namespace }]);
    const [read] = sent('find');
    expect(read).toMatchObject({ filter: { namespace, name: { $in: ['a'] } }, startTransaction: true, autocommit: false, readConcern: { level: 'snapshot' } });
    const [insert] = sent('insert');
    expect(insert).toMatchObject({ ordered: true, autocommit: false, txnNumber: read!.txnNumber });
    expect(insert!.documents).toEqual(stored.map(({ id, ...fields }) => ({ _id: id, ...fields })));
    expect(sent('commitTransaction')).toEqual([expect.objectContaining({ writeConcern: expect.objectContaining({ w: 'majority' }), txnNumber: read!.txnNumber })]);
  });

  it('reads in id order outside transactions, and deletes what one snapshot read found', async () => {
    await open();
    found = [{ _id: 'id-a', kind: 'snippet', namespace: 'ns', revision: 1 }, { _id: 'id-b', kind: 'router', namespace: 'ns', revision: 2 }];
    expect(await store!.find({ namespace: 'ns', kind: ['snippet', 'router'] })).toEqual([
      { id: 'id-a', kind: 'snippet', namespace: 'ns', revision: 1 }, { id: 'id-b', kind: 'router', namespace: 'ns', revision: 2 },
    ]);
    const [read] = sent('find');
    expect(read).toMatchObject({ filter: { namespace: 'ns', kind: { $in: ['snippet', 'router'] } }, sort: { _id: 1 } });
    expect(read).not.toHaveProperty('startTransaction');
    write = { n: 2 };
    expect((await store!.delete({ namespace: 'ns' })).map((spec) => spec.id)).toEqual(['id-a', 'id-b']);
    expect(sent('find')[1]).toMatchObject({ filter: { namespace: 'ns' }, startTransaction: true, readConcern: { level: 'snapshot' } });
    expect(sent('delete')[0]!.deletes).toEqual([expect.objectContaining({ q: { _id: { $in: ['id-a', 'id-b'] } }, limit: 0 })]);
    expect(sent('commitTransaction')).toHaveLength(1);
  });

  it('replaces a whole document only while it has the revision read, and maps a lasting duplicate key to ERR_NAME_TAKEN', async () => {
    await open();
    const namespace = `ns-${randomUUID().slice(0, 8)}`;
    found = [{ _id: 'id-a', kind: 'snippet', namespace, name: 'a', revision: 3, env: { old: true } }];
    write = { n: 1, nModified: 1 };
    const [updated] = await store!.update([{ id: 'id-a', kind: 'snippet', namespace, name: 'b' }]);
    expect(updated).toEqual({ id: 'id-a', kind: 'snippet', namespace, name: 'b', revision: 4 });
    expect(sent('update')[0]!.updates).toEqual([expect.objectContaining({ q: { _id: 'id-a', revision: 3 }, u: { kind: 'snippet', namespace, name: 'b', revision: 4 } })]);

    found = [];
    write = { n: 0, writeErrors: [{ index: 0, code: 11000, errmsg: 'E11000 duplicate key error collection: weft.weft_specs index: weft_namespace_name dup key', keyPattern: { namespace: 1, name: 1 } }] };
    await expect(store!.insert([{ kind: 'snippet', namespace, name: 'x' }])).rejects.toMatchObject({ code: 'ERR_NAME_TAKEN', params: { name: 'x', namespace }, details: { index: 0 } });
    // A duplicate the snapshot did not show is another writer's commit: the call ran again on fresh
    // snapshots (three attempts), each aborted, before the duplicate was reported.
    expect(sent('abortTransaction')).toHaveLength(3);
    expect(sent('insert')).toHaveLength(3);
  });

  it('refuses an update whose stored revision moved under the transaction with ERR_REVISION_CONFLICT', async () => {
    await open();
    found = [{ _id: 'id-a', kind: 'snippet', namespace: 'ns', name: 'a', revision: 3 }];
    write = { n: 0, nModified: 0 };
    await expect(store!.update([{ id: 'id-a', kind: 'snippet', namespace: 'ns', name: 'a' }])).rejects.toMatchObject({ code: 'ERR_REVISION_CONFLICT' });
    expect(sent('commitTransaction')).toEqual([]);
  });

  it('watches with updateLookup, required pre-images and a namespace $match; ready after the aggregate; events from getMore', async () => {
    await open();
    let release = () => {};
    held = new Promise<void>((resolve) => (release = resolve));
    const stream = store!.watch({ namespace: 'ns' });
    // Ready does not wait for a getMore (none is answered while held): the aggregate's answer fixed the start.
    await within(stream.ready, 5000);
    expect(sent('aggregate')).toHaveLength(1);
    release();
    const [aggregate] = sent('aggregate');
    expect(aggregate).toMatchObject({ aggregate: 'weft_specs' });
    const pipeline = aggregate!.pipeline as Record<string, unknown>[];
    expect(pipeline[0]).toEqual({ $changeStream: { fullDocument: 'updateLookup', fullDocumentBeforeChange: 'required' } });
    expect(pipeline[1]).toEqual({ $match: { $or: [{ 'fullDocument.namespace': 'ns' }, { 'fullDocumentBeforeChange.namespace': 'ns' }, { operationType: { $in: ['drop', 'rename', 'dropDatabase', 'invalidate'] } }] } });
    pending.push({ _id: { _data: '8202' }, operationType: 'insert', documentKey: { _id: 'id-a' }, fullDocument: { _id: 'id-a', kind: 'snippet', namespace: 'ns', name: 'a', revision: 1 } });
    expect(await eventReader(stream).next(5000)).toEqual({ op: 'insert', id: 'id-a', namespace: 'ns', spec: { id: 'id-a', kind: 'snippet', namespace: 'ns', name: 'a', revision: 1 }, token: '8202' });
    await stream.close();
  });

  it('resumes a watch after a token with startAfter', async () => {
    await open();
    const stream = store!.watch({ namespace: 'ns' }, { after: '82AB' });
    await within(stream.ready, 5000);
    expect((sent('aggregate')[0]!.pipeline as Record<string, unknown>[])[0]).toEqual({ $changeStream: { fullDocument: 'updateLookup', fullDocumentBeforeChange: 'required', startAfter: { _data: '82AB' } } });
    await stream.close();
  });

  it('lets the driver resume a resumable error itself, and resets after lost history with one new aggregate from now', async () => {
    await open();
    const stream = store!.watch({ namespace: 'ns' });
    await within(stream.ready, 5000);
    const reader = eventReader(stream);
    const change = (token: string, id: string) => ({ _id: { _data: token }, operationType: 'insert', documentKey: { _id: id }, fullDocument: { _id: id, kind: 'snippet', namespace: 'ns', revision: 1 } });
    pending.push(change('8202', 'id-a'));
    expect((await reader.next(5000)).token).toBe('8202');
    failures.push({ ok: 0, code: 43, codeName: 'CursorNotFound', errmsg: 'cursor id 42 not found' });
    pending.push(change('8203', 'id-b'));
    expect((await reader.next(5000)).token).toBe('8203');
    expect((sent('aggregate')[1]!.pipeline as Record<string, Record<string, unknown>>[])[0]!.$changeStream).toMatchObject({ resumeAfter: { _data: expect.any(String) } });

    failures.push({ ok: 0, code: 286, codeName: 'ChangeStreamHistoryLost', errmsg: 'resume point may no longer be in the oplog', errorLabels: ['NonResumableChangeStreamError'] });
    expect(await reader.next(5000)).toEqual({ op: 'reset', id: '', namespace: 'ns', token: '8201' });
    const aggregates = sent('aggregate');
    expect(aggregates).toHaveLength(3);
    expect((aggregates[2]!.pipeline as Record<string, unknown>[])[0]).toEqual({ $changeStream: { fullDocument: 'updateLookup', fullDocumentBeforeChange: 'required' } });
    pending.push(change('8204', 'id-c'));
    expect(await reader.next(5000)).toMatchObject({ op: 'insert', id: 'id-c' });
    await stream.close();
  });

  it('refuses a spec MongoDB could insert but never replace before starting a transaction', async () => {
    await open();
    await expect(store!.insert([{ kind: 'snippet', namespace: 'ns' }, { kind: 'snippet', namespace: 'ns', $where: 'x' } as never])).rejects.toMatchObject({ code: 'ERR_SPEC_INVALID', details: { index: 1 } });
    expect(sent('find')).toEqual([]);
  });

  it('runs an upsert again when another writer committed the name after its snapshot, and then updates that spec', async () => {
    await open();
    const namespace = `ns-${randomUUID().slice(0, 8)}`;
    write = (command) => {
      if (!('insert' in command)) return { n: 1, nModified: 1 };
      // The other writer's spec is committed now: the next snapshot shows it.
      found = [{ _id: 'id-other', kind: 'snippet', namespace, name: 'x', revision: 1 }];
      return { n: 0, writeErrors: [{ index: 0, code: 11000, errmsg: 'E11000 duplicate key error index: weft_namespace_name', keyPattern: { namespace: 1, name: 1 } }] };
    };
    const [stored] = await store!.upsert([{ kind: 'snippet', namespace, name: 'x', code: 'mine' }]);
    expect(stored).toMatchObject({ id: 'id-other', name: 'x', code: 'mine', revision: 2 });
    expect(server.commands.filter((name) => ['insert', 'update', 'abortTransaction', 'commitTransaction'].includes(name))).toEqual(['insert', 'abortTransaction', 'update', 'commitTransaction']);
  });
});
