import { randomUUID } from 'node:crypto';
import { MongoNetworkError, MongoServerError } from 'mongodb';
import { afterEach, describe, expect, it } from 'vitest';
import type { SpecFilter } from '../../../../src/index.ts';
import { ResumingChangeStream } from '../../../../src/store/mongodb/resuming-change-stream.ts';
import { eventReader } from '../../../conformance/event-reader.ts';
import { until, within } from '../../../harness/wait.ts';
import { FakeChangeSource, rawChange } from './fake-change-source.ts';

const namespace = `ns-${randomUUID().slice(0, 8)}`;
const doc = (name: string, extra: Record<string, unknown> = {}) => ({ _id: `id-${name}`, kind: 'snippet', namespace, name, revision: 1, ...extra });
const historyLost = () => new MongoServerError({ message: 'resume point no longer in the oplog', code: 286, codeName: 'ChangeStreamHistoryLost', errorLabels: ['NonResumableChangeStreamError'] });
const unauthorized = () => new MongoServerError({ message: 'not authorized', code: 13, codeName: 'Unauthorized' });

describe('ResumingChangeStream', () => {
  const streams: ResumingChangeStream[] = [];
  const watch = (source: FakeChangeSource, options: { filter?: SpecFilter; after?: string; logger?: never } = {}) => {
    const stream = new ResumingChangeStream({ source, filter: options.filter ?? { namespace }, after: options.after, reconnect: { initialMs: 5, maxMs: 20 }, logger: options.logger });
    streams.push(stream);
    return stream;
  };
  afterEach(async () => {
    await Promise.all(streams.splice(0).map((stream) => stream.close()));
  });

  it('is ready once the first cursor is open, and translates the changes it reads', async () => {
    const source = new FakeChangeSource();
    const stream = watch(source);
    let ready = false;
    void stream.ready.then(() => (ready = true));
    await until(() => source.opens.length === 1);
    expect(ready).toBe(false);
    const cursor = source.accept({ _data: '01' });
    await within(stream.ready);
    expect(source.opens).toEqual([{}]);
    cursor.change(rawChange('insert', '02', { document: doc('a') })).change(rawChange('delete', '03', { before: doc('a') }));
    const events = await eventReader(stream).take(2);
    expect(events).toEqual([
      { op: 'insert', id: 'id-a', namespace, spec: { id: 'id-a', kind: 'snippet', namespace, name: 'a', revision: 1 }, token: '02' },
      { op: 'delete', id: 'id-a', namespace, spec: { id: 'id-a', kind: 'snippet', namespace, name: 'a', revision: 1 }, token: '03' },
    ]);
  });

  it('reopens after the last position when the driver gives up on a resumable error, without a reset', async () => {
    const source = new FakeChangeSource();
    const stream = watch(source);
    const reader = eventReader(stream);
    const first = source.accept({ _data: '01' });
    await within(stream.ready);
    first.change(rawChange('insert', '02', { document: doc('a') })).empty({ _data: '05' }).fail(new MongoNetworkError('connection reset'));
    expect((await reader.next()).token).toBe('02');
    source.refuse(new MongoNetworkError('connect ECONNREFUSED'));
    const second = source.accept({ _data: '05' });
    second.change(rawChange('replace', '06', { document: doc('a', { revision: 2 }), before: doc('a') }));
    expect(await reader.next()).toMatchObject({ op: 'update', id: 'id-a', token: '06', spec: { revision: 2 } });
    expect(source.opens).toEqual([{}, { startAfter: { _data: '05' } }, { startAfter: { _data: '05' } }]);
    expect(first.closed).toBe(true);
    expect(await reader.quiet(50)).toEqual([]);
  });

  it('emits one reset and continues from now when the history after its position is lost', async () => {
    const source = new FakeChangeSource();
    const stream = watch(source);
    const reader = eventReader(stream);
    source.accept({ _data: '01' }).fail(historyLost());
    await within(stream.ready);
    const fresh = source.accept({ _data: '99' });
    expect(await reader.next()).toEqual({ op: 'reset', id: '', namespace, token: '99' });
    fresh.change(rawChange('insert', 'a0', { document: doc('b') }));
    expect(await reader.next()).toMatchObject({ op: 'insert', id: 'id-b' });
    expect(source.opens).toEqual([{}, {}]);
    expect(await reader.quiet(50)).toEqual([]);
  });

  it('starts after a given token, and with one reset when the server refuses that token', async () => {
    const source = new FakeChangeSource();
    const resumed = watch(source, { after: '0a' });
    source.accept({ _data: '0a' }).change(rawChange('insert', '0b', { document: doc('a') }));
    await within(resumed.ready);
    expect((await eventReader(resumed).next()).token).toBe('0b');
    expect(source.opens).toEqual([{ startAfter: { _data: '0a' } }]);

    const refused = new FakeChangeSource();
    const reset = watch(refused, { after: 'ff' });
    refused.refuse(new MongoServerError({ message: 'cannot resume stream; the resume token was not found', code: 280, codeName: 'ChangeStreamFatalError' }));
    refused.accept({ _data: '10' });
    await within(reset.ready);
    expect(await eventReader(reset).next()).toMatchObject({ op: 'reset', token: '10' });
    expect(refused.opens).toEqual([{ startAfter: { _data: 'ff' } }, {}]);
  });

  it('does not ask the server about a token it cannot parse: it starts from now with a reset', async () => {
    const source = new FakeChangeSource();
    const stream = watch(source, { after: 'not-a-token' });
    source.accept({ _data: '20' });
    await within(stream.ready);
    expect(await eventReader(stream).next()).toEqual({ op: 'reset', id: '', namespace, token: '20' });
    expect(source.opens).toEqual([{}]);
  });

  it('resets on a drop and reopens with startAfter the invalidate event', async () => {
    const source = new FakeChangeSource();
    const stream = watch(source);
    const reader = eventReader(stream);
    const first = source.accept({ _data: '01' });
    await within(stream.ready);
    first.change(rawChange('drop', '02')).change(rawChange('invalidate', '03'));
    expect(await reader.next()).toEqual({ op: 'reset', id: '', namespace, token: '02' });
    const second = source.accept({ _data: '03' });
    second.change(rawChange('insert', '04', { document: doc('a') }));
    expect(await reader.next()).toMatchObject({ op: 'insert', token: '04' });
    expect(source.opens).toEqual([{}, { startAfter: { _data: '03' } }]);
    expect(first.closed).toBe(true);
  });

  it('reopens after the last position when the server ends the cursor', async () => {
    const source = new FakeChangeSource();
    const stream = watch(source);
    const reader = eventReader(stream);
    const first = source.accept({ _data: '01' });
    await within(stream.ready);
    first.empty({ _data: '07' }).end();
    source.accept({ _data: '07' }).change(rawChange('insert', '08', { document: doc('a') }));
    expect((await reader.next()).token).toBe('08');
    expect(source.opens).toEqual([{}, { startAfter: { _data: '07' } }]);
  });

  it('reopens a cursor that broke for an unknown reason, and ends with ERR_STORE_UNAVAILABLE when the reopen is refused', async () => {
    const source = new FakeChangeSource();
    const stream = watch(source);
    const reader = eventReader(stream);
    source.accept({ _data: '01' }).change(rawChange('insert', '02', { document: doc('a') })).fail(new MongoServerError({ message: 'cursor killed', code: 237 }));
    await within(stream.ready);
    expect((await reader.next()).op).toBe('insert');
    source.accept({ _data: '02' }).fail(unauthorized());
    source.refuse(unauthorized());
    await expect(reader.next()).rejects.toMatchObject({ name: 'WeftError', code: 'ERR_STORE_UNAVAILABLE', cause: { code: 13 } });
    expect(source.opens).toEqual([{}, { startAfter: { _data: '02' } }, { startAfter: { _data: '02' } }]);
  });

  it('rejects ready when the first open fails, even on a resumable error (fail fast at start)', async () => {
    for (const error of [unauthorized(), new MongoNetworkError('connect ECONNREFUSED')]) {
      const source = new FakeChangeSource().refuse(error);
      const stream = watch(source);
      await expect(within(stream.ready)).rejects.toMatchObject({ code: 'ERR_STORE_UNAVAILABLE', cause: error });
      expect(source.opens).toHaveLength(1);
    }
  });

  it('fails instead of looping when a stream opened from now is refused for its position', async () => {
    const source = new FakeChangeSource();
    const stream = watch(source, { after: 'bad-token' });
    source.refuse(historyLost());
    await expect(within(stream.ready)).rejects.toMatchObject({ code: 'ERR_STORE_UNAVAILABLE' });
    expect(source.opens).toEqual([{}]);
  });

  it('filters by name and kind on the client, and skips events of no interest', async () => {
    const source = new FakeChangeSource();
    const stream = watch(source, { filter: { namespace, kind: 'router' } });
    const reader = eventReader(stream);
    const cursor = source.accept({ _data: '01' });
    await within(stream.ready);
    cursor.change(rawChange('insert', '02', { document: doc('a') }));
    cursor.change(rawChange('createIndexes', '03'));
    cursor.change(rawChange('insert', '04', { document: doc('b', { kind: 'router' }) }));
    expect(await reader.next()).toMatchObject({ op: 'insert', id: 'id-b', token: '04' });
    expect(await reader.quiet(50)).toEqual([]);
  });

  it('stops retrying when closed during an outage, and closes its cursor', async () => {
    const source = new FakeChangeSource();
    const stream = watch(source);
    const cursor = source.accept({ _data: '01' });
    await within(stream.ready);
    cursor.fail(new MongoNetworkError('connection reset'));
    await until(() => source.opens.length === 2);
    await within(stream.close());
    expect(cursor.closed).toBe(true);
    expect(await eventReader(stream).ended(100)).toBe(true);
    source.accept({ _data: '02' });
    await new Promise((resolve) => setTimeout(resolve, 40));
    expect(source.opens).toHaveLength(2);
    expect(source.cursors[1]!.closed).toBe(true);
  });

  it('logs an outage once, its failed attempts at debug level, and the recovery', async () => {
    const lines: [string, string][] = [];
    const record = (level: string) => (_fields: Record<string, unknown>, message: string) => lines.push([level, message]);
    const logger = { debug: record('debug'), info: record('info'), warn: record('warn') };
    const source = new FakeChangeSource();
    const stream = watch(source, { logger: logger as never });
    source.accept({ _data: '01' }).fail(new MongoNetworkError('connection reset'));
    await within(stream.ready);
    source.refuse(new MongoNetworkError('connect ECONNREFUSED')).refuse(new MongoNetworkError('connect ECONNREFUSED'));
    source.accept({ _data: '01' });
    await until(() => lines.some(([level]) => level === 'info'));
    expect(lines.map(([level]) => level)).toEqual(['warn', 'debug', 'debug', 'info']);
  });
});
