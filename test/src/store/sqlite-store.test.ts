import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { masterKey, secretKeyring, SqliteStore, ValueVault, type SqliteStoreOptions } from '../../../src/index.ts';
import { eventReader } from '../../conformance/event-reader.ts';

describe('SqliteStore', () => {
  let dir: string;
  let path: string;
  const stores: SqliteStore[] = [];
  const open = (options: Partial<SqliteStoreOptions> = {}) => {
    const store = new SqliteStore({ path, ...options });
    stores.push(store);
    return store;
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'weft-sqlite-'));
    path = join(dir, 'weft.db');
  });
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((store) => store.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('reports its URL', () => {
    expect(open().url).toBe(`sqlite://${path}`);
    expect(open({ path: ':memory:' }).url).toBe('sqlite://:memory:');
  });

  it('delivers the commits of another connection to the same file', async () => {
    const reader = eventReader(open().watch({ namespace: 'n' }));
    const [stored] = await open().insert([{ kind: 'k', namespace: 'n', name: 'a' }]);
    expect(await reader.next(1000)).toMatchObject({ op: 'insert', id: stored!.id, spec: stored });
  });

  it('keeps specs and the change log across reopening, so a token resumes in a new process', async () => {
    const first = open();
    const reader = eventReader(first.watch());
    const [a] = await first.insert([{ kind: 'k', name: 'a' }]);
    const token = (await reader.next()).token;
    const [b] = await first.insert([{ kind: 'k', name: 'b' }]);
    await first.close();
    const second = open();
    expect((await second.find()).map((spec) => spec.id)).toEqual([a!.id, b!.id]);
    const resumed = eventReader(second.watch({}, { after: token }));
    expect(await resumed.next()).toMatchObject({ op: 'insert', id: b!.id });
    expect(await resumed.quiet(100)).toEqual([]);
  });

  it('sends one reset to a live watcher that fell behind the pruned change log, then continues', async () => {
    const watcher = open();
    const writer = open({ keepChanges: 2 });
    const reader = eventReader(watcher.watch({ namespace: 'n' }));
    await writer.insert(Array.from({ length: 5 }, (_, index) => ({ kind: 'k', namespace: 'n', name: `s${index}` })));
    expect(await reader.next(1000)).toMatchObject({ op: 'reset', id: '', namespace: 'n' });
    const [next] = await writer.insert([{ kind: 'k', namespace: 'n' }]);
    expect(await reader.next(1000)).toMatchObject({ op: 'insert', id: next!.id });
    expect(await reader.quiet(100)).toEqual([]);
  });

  it('prunes the change log to keepChanges rows', async () => {
    const store = open({ keepChanges: 10 });
    for (let index = 0; index < 30; index++) await store.upsert([{ kind: 'k', name: 'a', code: String(index) }]);
    const db = new DatabaseSync(path);
    try {
      expect(db.prepare('SELECT count(*) AS rows, min(seq) AS first FROM weft_changes').get()).toEqual({ rows: 10, first: 21 });
    } finally {
      db.close();
    }
  });

  it('fails a write with ERR_STORE_UNAVAILABLE when another process holds the lock past the busy timeout', async () => {
    const store = open({ busyTimeoutMs: 50 });
    const other = new DatabaseSync(path);
    other.exec('BEGIN IMMEDIATE');
    try {
      await expect(store.insert([{ kind: 'k' }])).rejects.toMatchObject({ code: 'ERR_STORE_UNAVAILABLE' });
      expect(await store.find()).toEqual([]);
    } finally {
      other.exec('ROLLBACK');
      other.close();
    }
    expect(await store.insert([{ kind: 'k' }])).toHaveLength(1);
  });

  it('upgrades a version-1 file (no weft_leases) in place, keeping its specs', async () => {
    const first = open();
    const [kept] = await first.insert([{ kind: 'k', name: 'kept' }]);
    await first.close();
    const db = new DatabaseSync(path);
    db.exec('DROP TABLE weft_leases; PRAGMA user_version = 1');
    db.close();
    const upgraded = open();
    try {
      expect(await upgraded.find()).toEqual([kept]);
      expect(await upgraded.acquireLease('k', 'me', 1000, { n: 1 })).toMatchObject({ holder: 'me', data: { n: 1 } });
    } finally {
      await upgraded.close();
    }
    const check = new DatabaseSync(path);
    expect(check.prepare('PRAGMA user_version').get()).toEqual({ user_version: 3 });
    check.close();
  });

  it('upgrades a version-2 file (no weft_values) in place, keeping its specs and leases', async () => {
    const first = open();
    const [kept] = await first.insert([{ kind: 'k', name: 'kept' }]);
    await first.acquireLease('held', 'me', 60_000, { n: 1 });
    await first.close();
    const db = new DatabaseSync(path);
    db.exec('DROP TABLE weft_values; PRAGMA user_version = 2');
    db.close();
    const upgraded = open();
    try {
      expect(await upgraded.find()).toEqual([kept]);
      expect(await upgraded.acquireLease('held', 'me', 1000)).toMatchObject({ data: { n: 1 } });
      expect(await upgraded.putValues([{ name: 'v', data: 1 }])).toMatchObject([{ name: 'v', revision: 1 }]);
    } finally {
      await upgraded.close();
    }
    const check = new DatabaseSync(path);
    expect(check.prepare('PRAGMA user_version').get()).toEqual({ user_version: 3 });
    check.close();
  });

  it('keeps a secret sealed at rest: neither weft_values nor weft_changes holds its clear text', async () => {
    const store = open();
    try {
      const keyring = secretKeyring(masterKey(randomBytes(32).toString('base64'), 'test'));
      await new ValueVault({ store, keyring }).set([{ name: 'token', data: 'clear-text-hunter2', secret: true }]);
    } finally {
      await store.close();
    }
    const db = new DatabaseSync(path);
    const rows = [...db.prepare('SELECT * FROM weft_values').all(), ...db.prepare('SELECT * FROM weft_changes').all()];
    db.close();
    expect(rows).toHaveLength(2);
    expect(JSON.stringify(rows)).not.toContain('hunter2');
    expect(JSON.stringify(rows)).toContain('AES-256-GCM');
  });

  it('refuses a file whose schema is newer than this weft with ERR_STORE_UNAVAILABLE', () => {
    const db = new DatabaseSync(path);
    db.exec('PRAGMA user_version = 99');
    db.close();
    expect(() => open()).toThrow(expect.objectContaining({ code: 'ERR_STORE_UNAVAILABLE' }));
  });
});
