import { randomBytes } from 'node:crypto';
import { spawn, spawnSync } from 'node:child_process';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { masterKey, openStore, PostgresStore, secretKeyring, ValueVault, type PostgresStoreOptions, type SpecStore } from '../../../src/index.ts';
import { eventReader, within } from '../../conformance/event-reader.ts';
import { scratchSchema } from '../../fixtures/postgres-scratch.ts';
import { serviceAvailable } from '../../fixtures/services.ts';
import { until } from '../../harness/wait.ts';

const ROOT = new URL('../../../', import.meta.url).pathname;

/** Runs a module script with the repository as working directory; resolves with its exit code and output. */
function runScript(script: string, env: Record<string, string>): { exited: Promise<number | null>; output: () => string } {
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  setTimeout(() => child.kill('SIGKILL'), 15_000).unref();
  return { exited, output: () => output };
}

describe('PostgresStore without a server', () => {
  it.each([
    ['a URL that does not parse', 'postgres://host:notaport/db'],
    ['a schema that is not an identifier', 'postgres://u@127.0.0.1/db?schema=a-b'],
    ['a table that is too long', `postgres://u@127.0.0.1/db?table=${'t'.repeat(41)}`],
  ])('refuses %s with ERR_STORE_URL_INVALID and keeps the password out', async (_, url) => {
    const error = await PostgresStore.open({ url: url.replace('u@', 'u:secret@') }).catch((thrown: unknown) => thrown);
    expect(error).toMatchObject({ code: 'ERR_STORE_URL_INVALID' });
    expect(JSON.stringify(error)).not.toContain('secret');
  });

  it('fails with ERR_STORE_UNAVAILABLE naming the reason when nothing listens on the port', async () => {
    const started = Date.now();
    const error = await openStore('postgres://postgres:secret@127.0.0.1:1/test').catch((thrown: unknown) => thrown);
    expect(error).toMatchObject({ code: 'ERR_STORE_UNAVAILABLE', params: { reason: expect.stringContaining('ECONNREFUSED') } });
    expect(JSON.stringify((error as { params: unknown }).params)).not.toContain('secret');
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('does not load pg until a postgres store is opened', () => {
    const script = "await import('./src/index.ts'); const { createRequire } = await import('node:module'); " +
      "const cache = createRequire(import.meta.url).cache; console.log(Object.keys(cache).some((path) => path.includes('/node_modules/pg/')));";
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8', timeout: 15_000 });
    expect(result.stderr).toBe('');
    expect(result.stdout.trim()).toBe('false');
  });
});

const postgres = await serviceAvailable('postgres');
const scratch = postgres.available ? await scratchSchema(postgres.url) : undefined;
afterAll(async () => scratch?.drop());

describe.skipIf(scratch === undefined)('PostgresStore', () => {
  const stores: SpecStore[] = [];
  const open = async (options: Partial<PostgresStoreOptions> & { table?: string } = {}): Promise<PostgresStore> => {
    const { table, ...rest } = options;
    const store = await PostgresStore.open({ url: scratch!.url(table === undefined ? {} : { table }), ...rest });
    stores.push(store);
    return store;
  };
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((store) => store.close()));
  });

  it('reports its URL without the password, and opens through openStore as postgres:// and postgresql://', async () => {
    const withPassword = scratch!.url().replace('://', '://weft_nobody:secret@');
    const refused = await openStore(withPassword).catch((thrown: unknown) => thrown);
    expect(refused).toMatchObject({ code: 'ERR_STORE_ACCESS_DENIED' });
    expect(JSON.stringify(refused)).not.toContain('secret');
    for (const url of [scratch!.url(), scratch!.url().replace(/^postgres:/, 'postgresql:')]) {
      const store = await openStore(url);
      stores.push(store);
      expect(store).toBeInstanceOf(PostgresStore);
      expect(store.url).toBe(url);
    }
  });

  it('creates its tables once when several stores open a new table at once', async () => {
    const table = `concurrent_${Date.now() % 100_000}`;
    const opened = await Promise.all(Array.from({ length: 5 }, () => open({ table })));
    await opened[0]!.insert([{ kind: 'k', name: 'a' }]);
    expect((await opened[4]!.find()).map((spec) => spec.name)).toEqual(['a']);
    const tables = await scratch!.query<{ name: string }>('SELECT tablename AS name FROM pg_tables WHERE schemaname = $1 AND tablename LIKE $2 ORDER BY 1', [scratch!.name, `${table}%`]);
    expect(tables.rows.map((row) => row.name)).toEqual([table, `${table}_changes`, `${table}_leases`, `${table}_meta`, `${table}_values`]);
  });

  it('keeps stores on different tables of one schema apart, specs and events', async () => {
    const first = await open({ table: 'first_specs' });
    const second = await open({ table: 'second_specs' });
    const stream = second.watch({});
    await within(stream.ready, 5000, 'the stream to be ready');
    const reader = eventReader(stream);
    await first.insert([{ kind: 'k', name: 'a' }]);
    const [mine] = await second.insert([{ kind: 'k', name: 'a' }]);
    expect(await second.find()).toEqual([mine]);
    expect(await reader.next()).toMatchObject({ op: 'insert', id: mine!.id });
    expect(await reader.quiet(200)).toEqual([]);
  });

  it('upgrades version-1 tables (no leases table) in place, keeping the specs', async () => {
    const first = await open({ table: 'old_specs' });
    const [kept] = await first.insert([{ kind: 'k', name: 'kept' }]);
    await scratch!.query(`DROP TABLE "${scratch!.name}"."old_specs_leases"; UPDATE "${scratch!.name}"."old_specs_meta" SET version = 1`);
    const upgraded = await open({ table: 'old_specs' });
    expect(await upgraded.find()).toEqual([kept]);
    expect(await upgraded.acquireLease('k', 'me', 1000, { n: 1 })).toMatchObject({ holder: 'me', data: { n: 1 } });
    expect((await scratch!.query(`SELECT version FROM "${scratch!.name}"."old_specs_meta"`)).rows).toEqual([{ version: 3 }]);
  });

  it('upgrades version-2 tables (no values table, changes limited to specs) in place, keeping specs and leases', async () => {
    const first = await open({ table: 'v2_specs' });
    const [kept] = await first.insert([{ kind: 'k', name: 'kept' }]);
    await first.acquireLease('held', 'me', 60_000, { n: 1 });
    const schema = `"${scratch!.name}"`;
    await scratch!.query(`DROP TABLE ${schema}."v2_specs_values"; ALTER TABLE ${schema}."v2_specs_changes" DROP CONSTRAINT "v2_specs_changes_op_check";
      ALTER TABLE ${schema}."v2_specs_changes" ADD CONSTRAINT "v2_specs_changes_op_check" CHECK (op IN ('insert', 'update', 'delete')); UPDATE ${schema}."v2_specs_meta" SET version = 2`);
    const upgraded = await open({ table: 'v2_specs' });
    expect(await upgraded.find()).toEqual([kept]);
    expect(await upgraded.acquireLease('held', 'me', 1000)).toMatchObject({ data: { n: 1 } });
    expect(await upgraded.putValues([{ name: 'v', data: 1 }])).toMatchObject([{ name: 'v', revision: 1 }]);
    expect((await scratch!.query(`SELECT version FROM ${schema}."v2_specs_meta"`)).rows).toEqual([{ version: 3 }]);
  });

  it('keeps a secret sealed at rest: neither the values table nor the change log holds its clear text', async () => {
    const store = await open({ table: 'sealed_specs' });
    const keyring = secretKeyring(masterKey(randomBytes(32).toString('base64'), 'test'));
    await new ValueVault({ store, keyring }).set([{ name: 'token', data: 'clear-text-hunter2', secret: true }]);
    const schema = `"${scratch!.name}"`;
    const raw = await scratch!.query(`SELECT v.*, (SELECT json_agg(c.*) FROM ${schema}."sealed_specs_changes" AS c) AS changes FROM ${schema}."sealed_specs_values" AS v`);
    expect(raw.rows).toHaveLength(1);
    expect(JSON.stringify(raw.rows)).not.toContain('hunter2');
    expect(JSON.stringify(raw.rows)).toContain('AES-256-GCM');
  });

  it('refuses tables of a newer schema version with ERR_STORE_UNAVAILABLE', async () => {
    await open({ table: 'future_specs' });
    await scratch!.query(`UPDATE "${scratch!.name}"."future_specs_meta" SET version = 99`);
    await expect(open({ table: 'future_specs' })).rejects.toMatchObject({ code: 'ERR_STORE_UNAVAILABLE' });
  });

  it('returns specs with id, kind, namespace and name first and revision last', async () => {
    const store = await open();
    const [stored] = await store.insert([{ name: 'ordered', zebra: 1, kind: 'k', annotations: { a: 'b' }, namespace: 'order' }]);
    const [found] = await store.find({ id: stored!.id });
    for (const spec of [stored!, found!]) {
      const keys = Object.keys(spec);
      expect(keys.slice(0, 4)).toEqual(['id', 'kind', 'namespace', 'name']);
      expect(keys.at(-1)).toBe('revision');
    }
    await store.delete({ namespace: 'order' });
  });

  it('refuses a spec holding a NUL character with ERR_SPEC_INVALID naming the field, and stores nothing of the call', async () => {
    const store = await open();
    const failure = store.insert([{ kind: 'k', namespace: 'nul', name: 'fine' }, { kind: 'k', namespace: 'nul', env: { key: 'a\u0000b' } }]);
    await expect(failure).rejects.toMatchObject({ code: 'ERR_SPEC_INVALID', details: { index: 1, problems: [{ path: 'env.key' }] } });
    expect(await store.find({ namespace: 'nul' })).toEqual([]);
  });

  it('prunes the change log to keepChanges and resets a watcher that fell behind, then continues', async () => {
    const watcher = await open({ table: 'pruned_specs' });
    const writer = await open({ table: 'pruned_specs', keepChanges: 2 });
    const stream = watcher.watch({ namespace: 'n' });
    // Subscribed first: a stream placed after the writes would start at their head, with no reset.
    await within(stream.ready, 5000, 'the stream to be ready');
    const reader = eventReader(stream);
    await writer.insert(Array.from({ length: 5 }, (_, index) => ({ kind: 'k', namespace: 'n', name: `s${index}` })));
    expect(await reader.next()).toMatchObject({ op: 'reset', id: '', namespace: 'n' });
    const [next] = await writer.insert([{ kind: 'k', namespace: 'n' }]);
    expect(await reader.next()).toMatchObject({ op: 'insert', id: next!.id });
    expect(await reader.quiet(100)).toEqual([]);
    const log = await scratch!.query<{ rows: string; first: string }>(`SELECT count(*) AS rows, min(seq) AS first FROM "${scratch!.name}"."pruned_specs_changes"`);
    expect(log.rows[0]).toEqual({ rows: '2', first: '5' });
  });

  it('resumes from a token in a store opened later (another process)', async () => {
    const first = await open();
    const reader = eventReader(first.watch({ namespace: 'resume' }));
    await first.insert([{ kind: 'k', namespace: 'resume', name: 'a' }]);
    const token = (await reader.next()).token;
    const [b] = await first.insert([{ kind: 'k', namespace: 'resume', name: 'b' }]);
    await first.close();
    const second = await open();
    const resumed = eventReader(second.watch({ namespace: 'resume' }, { after: token }));
    expect(await resumed.next()).toMatchObject({ op: 'insert', id: b!.id });
    expect(await resumed.quiet(100)).toEqual([]);
    await second.delete({ namespace: 'resume' });
  });

  it('fails a write with ERR_STORE_UNAVAILABLE when another writer holds the lock past lockTimeoutMs, writing nothing', async () => {
    const store = await open({ table: 'locked_specs', lockTimeoutMs: 100 });
    await scratch!.query('BEGIN');
    try {
      await scratch!.query(`SELECT head FROM "${scratch!.name}"."locked_specs_meta" FOR UPDATE`);
      await expect(store.insert([{ kind: 'k' }])).rejects.toMatchObject({ code: 'ERR_STORE_UNAVAILABLE' });
    } finally {
      await scratch!.query('ROLLBACK');
    }
    expect(await store.find()).toEqual([]);
    expect(await store.insert([{ kind: 'k' }])).toHaveLength(1);
  });

  it('keeps a process alive while a reader waits for an event, and not for a stream nobody reads', async () => {
    const prelude = "const { PostgresStore } = await import('./src/index.ts'); const store = await PostgresStore.open({ url: process.env.URL }); " +
      "const stream = store.watch({ namespace: 'alive' }); await stream.ready; console.log('watching');";
    const idle = runScript(prelude, { URL: scratch!.url() });
    const waiting = runScript(`${prelude} for await (const event of stream) { console.log('event', event.spec.name); break; } await store.close();`, { URL: scratch!.url() });
    expect(await within(idle.exited, 10_000, 'the idle process to exit'), idle.output()).toBe(0);
    let waitingExited = false;
    void waiting.exited.then(() => (waitingExited = true));
    await until(() => waiting.output().includes('watching'), 10_000);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(waitingExited).toBe(false);
    const store = await open();
    await store.insert([{ kind: 'k', namespace: 'alive', name: 'wake' }]);
    expect(await within(waiting.exited, 10_000, 'the waiting process to exit'), waiting.output()).toBe(0);
    expect(waiting.output()).toContain('event wake');
  });
});
