import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { stringify } from 'yaml';
import { afterAll, describe, expect, it } from 'vitest';
import { createDefaultLanguages, Runtime, Scheme, SqliteStore, TokenRegistry } from '../../src/index.ts';
import type { ScheduleNode } from '../../codecs/system/schedule/schedule-node.ts';
import { coreKinds } from '../../schemes/core.ts';
import { tempDir, weft } from '../harness/cli.ts';
import { exampleSpecs, runExample } from './run-example.ts';

const hasGcc = spawnSync('gcc', ['--version']).status === 0;
if (!hasGcc && process.env.CI !== 'true') console.warn('[skip] gcc is not installed: the examples/exec-c test is skipped; install gcc, or set CI=true to require it');
const post = (url: string, body: unknown) => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(5000) });

describe.skipIf(!hasGcc && process.env.CI !== 'true')('examples/exec-c', () => {
  const dir = tempDir();
  afterAll(() => dir.remove());

  it('compiles the C handler and answers POST /greet through it, and under weft invoke', async () => {
    const binary = join(dir.path, 'greet');
    const compiled = spawnSync('gcc', ['-O2', '-o', binary, new URL('../../examples/exec-c/greet.c', import.meta.url).pathname], { encoding: 'utf8', timeout: 30_000 });
    expect(compiled.status, compiled.stderr).toBe(0);
    const specs = exampleSpecs('exec-c/exec-c.yaml', (spec) => (spec.kind === 'exec' ? { ...spec, command: binary } : spec));
    const running = await runExample(specs);
    try {
      const response = await post(`${running.url}/greet`, { name: 'Ada' });
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({ greeting: 'hello, Ada' });
      expect((await post(`${running.url}/greet`, { nobody: 1 })).status).toBe(500);
    } finally {
      await running.close();
    }
    writeFileSync(join(dir.path, 'exec-c.yaml'), stringify(specs));
    const env = { WEFT_STORE: `sqlite://${join(dir.path, 'weft.db')}` };
    expect((await weft(['apply', '-f', 'exec-c.yaml'], { env, cwd: dir.path })).code).toBe(0);
    const invoked = await weft(['invoke', 'greet', '--data', '{"body": {"name": "Grace"}}'], { env, cwd: dir.path });
    expect(invoked.code, invoked.stderr).toBe(0);
    expect(JSON.parse(invoked.stdout)).toEqual({ status: 200, body: { greeting: 'hello, Grace' } });
  });
});

describe('examples/sql-sqlite.yaml', () => {
  const dir = tempDir();
  afterAll(() => dir.remove());

  it('sets up its table with weft invoke, then adds and lists notes over HTTP', async () => {
    mkdirSync(join(dir.path, '.weft'));
    const env = { WEFT_STORE: 'sqlite://.weft/weft.db' };
    // The example's database path is relative to the engine's directory: point it at the temp dir.
    const database = join(dir.path, '.weft', 'notes.db');
    const specs = exampleSpecs('sql-sqlite.yaml', (spec) => (spec.kind === 'sql' ? { ...spec, source: database } : spec));
    writeFileSync(join(dir.path, 'sql-sqlite.yaml'), stringify(specs));
    expect((await weft(['apply', '-f', 'sql-sqlite.yaml'], { env, cwd: dir.path })).code).toBe(0);
    const created = await weft(['invoke', 'notes-db', '--data', '"CREATE TABLE IF NOT EXISTS notes (text TEXT NOT NULL)"'], { env, cwd: dir.path });
    expect(created, created.stderr).toMatchObject({ code: 0, stdout: '[]\n' });
    const running = await runExample(specs);
    try {
      const added = await post(`${running.url}/notes`, { text: 'hello' });
      expect(await added.json()).toEqual([{ id: 1, text: 'hello' }]);
      await post(`${running.url}/notes`, { text: "it's; DROP TABLE notes" });
      const listed = await fetch(`${running.url}/notes`, { signal: AbortSignal.timeout(5000) });
      expect(await listed.json()).toEqual([{ id: 1, text: 'hello' }, { id: 2, text: "it's; DROP TABLE notes" }]);
    } finally {
      await running.close();
    }
    const invoked = await weft(['invoke', 'list-notes'], { env, cwd: dir.path });
    expect(JSON.parse(invoked.stdout)).toHaveLength(2);
  });
});

describe('examples/leader-schedule.yaml', () => {
  const dir = tempDir();
  afterAll(() => dir.remove());

  it('writes each beat once from two engines on one store, and goes on when the leader stops', async () => {
    mkdirSync(join(dir.path, '.weft'));
    const database = join(dir.path, '.weft', 'beats.db');
    // Every second instead of every 10 s, so the test is short; the database in the temp dir.
    const specs = exampleSpecs('leader-schedule.yaml', (spec) => {
      if (spec.kind === 'sql') return { ...spec, source: database };
      return spec.kind === 'schedule' ? { ...spec, cron: '* * * * * *', lease: '2s' } : spec;
    });
    const env = { WEFT_STORE: `sqlite://${join(dir.path, '.weft', 'weft.db')}` };
    writeFileSync(join(dir.path, 'leader-schedule.yaml'), stringify(specs));
    expect((await weft(['apply', '-f', 'leader-schedule.yaml'], { env, cwd: dir.path })).code).toBe(0);
    const created = await weft(['invoke', 'beats-db', '--data', '"CREATE TABLE IF NOT EXISTS beats (scheduled TEXT PRIMARY KEY, fired TEXT NOT NULL)"'], { env, cwd: dir.path });
    expect(created.code, created.stderr).toBe(0);
    const store = new SqliteStore({ path: join(dir.path, '.weft', 'weft.db') });
    const engines = [0, 1].map(() => new Runtime({ store, scheme: new Scheme({ kinds: coreKinds }), languages: createDefaultLanguages(), closeStore: false, drainTimeoutMs: 2000 }));
    const beats = new DatabaseSync(database);
    const count = (): number => (beats.prepare('SELECT count(*) AS n FROM beats').get() as { n: number }).n;
    try {
      for (const engine of engines) await engine.start();
      const schedules = engines.map((engine) => engine.table.byName('heartbeat')!.node as ScheduleNode);
      await new Promise((resolve) => setTimeout(resolve, 2500));
      const leader = engines.find((engine) => (engine.table.byName('heartbeat')!.node as ScheduleNode).state === 'leading')!;
      await leader.close();
      const before = count();
      expect(before).toBeGreaterThanOrEqual(2);
      await new Promise((resolve) => setTimeout(resolve, 1600));
      expect(count()).toBeGreaterThan(before);
      // Closing drains the tick in flight, so the rows and the fired counts agree.
      for (const engine of engines) await engine.close();
      const rows = beats.prepare('SELECT scheduled, fired FROM beats ORDER BY scheduled').all() as { scheduled: string; fired: string }[];
      for (const row of rows) expect(row.scheduled).toMatch(/:\d\d\.000Z$/);
      // A beat written twice would fail on the primary key: an error reply, counted as failed.
      expect(schedules.map((schedule) => schedule.counters.failed)).toEqual([0, 0]);
      expect(schedules.reduce((sum, schedule) => sum + schedule.counters.fired, 0)).toBe(rows.length);
    } finally {
      for (const engine of engines) await engine.close();
      await store.close();
      beats.close();
    }
  }, 20_000);
});

describe('examples/hello-init.yaml', () => {
  const dir = tempDir();
  afterAll(() => dir.remove());

  it('creates its table and greets once per load through init ports, before the listener serves', async () => {
    const database = join(dir.path, 'greetings.db');
    const specs = exampleSpecs('hello-init.yaml', (spec) => (spec.kind === 'sql' ? { ...spec, source: database } : spec));
    const list = async (url: string) => (await fetch(`${url}/greetings`, { signal: AbortSignal.timeout(5000) })).json();
    const first = await runExample(specs);
    try {
      expect(await list(first.url)).toEqual([{ id: 1, text: 'hello, world', node: 'listener', revision: 1 }]);
      // Requests do not run init again.
      expect(await list(first.url)).toHaveLength(1);
    } finally {
      await first.close();
    }
    const second = await runExample(specs);
    try {
      expect(await list(second.url)).toEqual([
        { id: 1, text: 'hello, world', node: 'listener', revision: 1 },
        { id: 2, text: 'hello, world', node: 'listener', revision: 1 },
      ]);
    } finally {
      await second.close();
    }
    const file = new URL('../../examples/hello-init.yaml', import.meta.url).pathname;
    const checked = await weft(['validate', '-f', file], { cwd: dir.path });
    expect(checked.code, checked.stderr).toBe(0);
    const env = { WEFT_STORE: `sqlite://${join(dir.path, 'weft.db')}` };
    const planned = await weft(['apply', '--dry-run', '-o', 'json', '-f', file], { env, cwd: dir.path });
    expect(planned.code, planned.stderr).toBe(0);
    expect(planned.stdout).toContain('its init runs first (greet)');
    expect(planned.stdout).toContain('its init runs first (create-table)');
  });
});

describe('examples/spec-watch.yaml', () => {
  const dir = tempDir();
  afterAll(() => dir.remove());

  it('records every spec change the engine loads, and lists them over HTTP', async () => {
    const database = join(dir.path, 'audit.db');
    const specs = exampleSpecs('spec-watch.yaml', (spec) => (spec.kind === 'sql' ? { ...spec, source: database } : spec));
    const running = await runExample(specs);
    try {
      const list = async () => (await fetch(`${running.url}/changes`, { signal: AbortSignal.timeout(5000) })).json() as Promise<unknown[]>;
      expect(await list()).toEqual([]);
      const store = running.store;
      const [pong] = await store.insert([{ kind: 'snippet', name: 'pong', language: 'text', code: 'pong' }]);
      await store.update([{ ...pong!, code: 'PONG' }]);
      await store.delete({ name: 'pong' });
      let rows: unknown[] = [];
      for (let tries = 0; tries < 200 && rows.length < 3; tries++) {
        rows = await list();
        if (rows.length < 3) await new Promise((resolve) => setTimeout(resolve, 10));
      }
      expect(rows).toEqual([
        { id: 1, op: 'insert', name: 'pong', kind: 'snippet', revision: 1 },
        { id: 2, op: 'update', name: 'pong', kind: 'snippet', revision: 2 },
        { id: 3, op: 'delete', name: 'pong', kind: 'snippet', revision: 2 },
      ]);
    } finally {
      await running.close();
    }
  });
});

describe('examples/private-api.yaml', () => {
  it('answers 401 without a token, shows the caller as self.auth, and lets only a write token POST', async () => {
    const running = await runExample(exampleSpecs('private-api.yaml'));
    try {
      const registry = new TokenRegistry(running.store);
      const reader = (await registry.create({ name: 'reader', role: 'read' })).token;
      const writer = (await registry.create({ name: 'writer', role: 'write' })).token;
      const call = (path: string, token?: string, body?: string) => fetch(`${running.url}${path}`, {
        method: body === undefined ? 'GET' : 'POST', body, headers: { 'content-type': 'text/plain', ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) }, signal: AbortSignal.timeout(5000),
      });
      expect((await call('/whoami')).status).toBe(401);
      expect(await (await call('/whoami', reader)).json()).toEqual({ name: 'reader', role: 'read' });
      const refused = await call('/echo', reader, 'hi');
      expect(refused.status).toBe(403);
      expect(((await refused.json()) as { error: { code: string } }).error.code).toBe('ERR_AUTH_FORBIDDEN');
      expect(await (await call('/echo', writer, 'hi')).json()).toEqual({ from: 'writer', body: 'hi' });
    } finally {
      await running.close();
    }
  });
});
