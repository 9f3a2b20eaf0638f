import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Scheme, type Spec, type WeftError } from '../../../src/index.ts';
import { parseStatement } from '../../../codecs/io/sql/placeholders.ts';
import { coreKinds } from '../../../schemes/core.ts';
import { serviceAvailable } from '../../fixtures/services.ts';
import { tempDir } from '../../harness/cli.ts';
import { startListener, type TestServer } from '../../harness/listen.ts';
import { within } from '../../harness/wait.ts';
import { wire, type Wired } from '../../harness/wire.ts';

const postgres = await serviceAvailable('postgres');
const mysql = await serviceAvailable('mysql');
const sqliteDir = tempDir();
afterAll(() => sqliteDir.remove());

const databases = [
  { driver: 'sqlite', available: true, source: join(sqliteDir.path, 'test.db') },
  { driver: 'postgres', available: postgres.available, source: postgres.url },
  { driver: 'mysql', available: mysql.available, source: mysql.url },
] as const;

const codeOf = (payload: unknown): string | undefined => (payload as WeftError).code;

describe.each(databases)('sql on $driver', ({ driver, available, source }) => {
  const table = `weft_sql_${randomBytes(4).toString('hex')}`;
  let wired: Wired;
  const servers: TestServer[] = [];
  const db = (payload: unknown): Promise<unknown> => within(wired.send('db', payload), 10_000).then((packet) => packet.payload);
  const names = async (): Promise<string[]> => ((await db(`SELECT name FROM ${table} ORDER BY name`)) as { name: string }[]).map((row) => row.name);

  /** listener → snippet (builds the INSERT from the body) → sql → snippet answering `status`. */
  const flow = async (status: number): Promise<TestServer> => {
    const specs: Spec[] = [
      { kind: 'snippet', name: 'build', language: 'cel', code: `["INSERT INTO ${table} (name, n) VALUES (?, ?)", [self.body.name, 1]]`, links: { out: [{ name: 'insert', port: 'in' }] } },
      { kind: 'sql', name: 'insert', driver, source, links: { out: [{ name: 'respond', port: 'in' }] } },
      { kind: 'snippet', name: 'respond', language: 'cel', code: `{"status": ${status}, "body": "done"}` },
    ];
    const chain = await wire(specs);
    const server = await startListener({ out: (process, packet) => chain.node('build').in('in')!.handle(process, packet) });
    servers.push(server, { close: () => chain.close() } as TestServer);
    return server;
  };

  beforeAll(async () => {
    if (!available) return;
    wired = await wire([{ kind: 'sql', name: 'db', driver, source }]);
    expect(await db(`CREATE TABLE ${table} (name VARCHAR(200) UNIQUE, n INTEGER, note VARCHAR(200))`)).toEqual([]);
  });

  afterAll(async () => {
    for (const server of servers) await server.close();
    if (!available) return;
    await db(`DROP TABLE IF EXISTS ${table}`);
    await wired.close();
  });

  it.skipIf(!available)('inserts with ? and :name parameters (replying []) and selects rows as maps', async () => {
    expect(await db([`INSERT INTO ${table} (name, n) VALUES (?, ?)`, ['first', 1]])).toEqual([]);
    expect(await db([`INSERT INTO ${table} (name, n, note) VALUES (:name, :n, :name)`, { name: 'second', n: 2 }])).toEqual([]);
    expect(await db([`INSERT INTO ${table} (name, n) VALUES (:name, :n)`, [{ name: 'third', n: 3 }, { name: 'fourth', n: 4 }]])).toEqual([]);
    expect(await db([`SELECT name, n, note FROM ${table} WHERE n >= ? ORDER BY n`, [2]])).toEqual([
      { name: 'second', n: 2, note: 'second' }, { name: 'third', n: 3, note: null }, { name: 'fourth', n: 4, note: null },
    ]);
    expect(await db(`SELECT COUNT(*) AS total FROM ${table}`)).toEqual([{ total: 4 }]);
    await db(`DELETE FROM ${table}`);
  });

  it.skipIf(!available)('rolls back when the listener answers 500 and commits when it answers 201', async () => {
    const post = (server: TestServer) => server.fetch('/', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'same' }) });
    const failing = await flow(500);
    // Twice the same unique name: had the first insert been committed (or left open), the second
    // would fail on the unique key (a 412 from the listener) or wait for its lock.
    expect((await post(failing)).status).toBe(500);
    expect((await post(failing)).status).toBe(500);
    const succeeding = await flow(201);
    expect((await post(succeeding)).status).toBe(201);
    // The commit runs as the request's process ends, just after the response: wait for it.
    const deadline = Date.now() + 5000;
    while ((await names()).length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(await names()).toEqual(['same']);
    expect((await post(succeeding)).status).toBe(412);
    await db(`DELETE FROM ${table}`);
  });

  it.skipIf(!available)('stores an injection attempt verbatim through a parameter and keeps the table', async () => {
    const attack = `x'); DROP TABLE ${table}; -- "\\`;
    expect(await db([`INSERT INTO ${table} (name, n) VALUES (?, 1)`, [attack]])).toEqual([]);
    expect(await db([`SELECT name FROM ${table} WHERE name = :name`, { name: attack }])).toEqual([{ name: attack }]);
    expect(await db([`SELECT name FROM ${table} WHERE name = ?`, [`' OR '1'='1`]])).toEqual([]);
    expect(await db([`SELECT ':name' AS literal, '?' AS mark FROM ${table} WHERE n = ?`, [1]])).toEqual([{ literal: ':name', mark: '?' }]);
    expect(await names()).toEqual([attack]);
    await db(`DELETE FROM ${table}`);
  });

  it.skipIf(!available)('answers bad SQL, constraint violations and wrong input with coded errors, and serves on', async () => {
    expect(codeOf(await db('SELEC nothing FROM nowhere'))).toBe('ERR_SQL_QUERY');
    expect(codeOf(await db(`SELECT * FROM ${table}_missing`))).toBe('ERR_SQL_QUERY');
    await db([`INSERT INTO ${table} (name) VALUES (?)`, ['unique']]);
    expect(codeOf(await db([`INSERT INTO ${table} (name) VALUES (?)`, ['unique']]))).toBe('ERR_SQL_CONSTRAINT');
    expect(codeOf(await db([`INSERT INTO ${table} (name) VALUES (?)`, []]))).toBe('ERR_SQL_INPUT');
    expect(codeOf(await db([`INSERT INTO ${table} (name) VALUES (:name)`, {}]))).toBe('ERR_SQL_INPUT');
    expect(codeOf(await db(42))).toBe('ERR_SQL_INPUT');
    expect(await names()).toEqual(['unique']);
    await db(`DELETE FROM ${table}`);
  });
});

describe('sql placeholders', () => {
  it('rewrites ? and :name outside literals, identifiers, comments, casts and dollar quotes', () => {
    expect(parseStatement(`SELECT '?', ":x", ? /* ? */ -- :y\n, :z::int, $$ ? $$`, 'postgres')).toEqual({
      text: `SELECT '?', ":x", $1 /* ? */ -- :y\n, $2::int, $$ ? $$`, positional: 1, names: ['z'], native: false,
    });
    expect(parseStatement("SELECT 'it''s ?', `?`, 'a\\'?', ? # :c", 'mysql').text).toBe("SELECT 'it''s ?', `?`, 'a\\'?', ? # :c");
    expect(parseStatement('SELECT $1, $2', 'postgres').native).toBe(true);
  });

  it('validates driver, source and isolation', () => {
    const scheme = new Scheme({ kinds: coreKinds });
    const paths = (spec: Record<string, unknown>) => scheme.validate({ kind: 'sql', ...spec }).map((problem) => problem.path);
    expect(paths({ driver: 'sqlite', source: ':memory:' })).toEqual([]);
    expect(paths({ driver: 'postgres', source: 'postgres://h/db', isolation: 'serializable' })).toEqual([]);
    expect(paths({ driver: 'oracle', source: 'x' })).toEqual(['driver']);
    expect(paths({ driver: 'postgres', source: 'mysql://h/db' })).toEqual(['source']);
    expect(paths({ driver: 'sqlite', source: ':memory:', isolation: 2 })).toEqual(['isolation']);
    expect(scheme.validate({ kind: 'rdb', driver: 'sqlite', source: ':memory:', isolation: 0 })).toEqual([]);
  });
});

