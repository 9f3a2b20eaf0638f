import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_STORE_URL, MemoryStore, openStore, SqliteStore, type SpecStore } from '../../../src/index.ts';

describe('openStore', () => {
  let dir: string;
  const opened: SpecStore[] = [];
  const open = async (url: string, cwd?: string) => {
    const store = await openStore(url, { cwd });
    opened.push(store);
    return store;
  };

  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'weft-open-store-'))));
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((store) => store.close()));
    rmSync(dir, { recursive: true, force: true });
  });

  it('opens a new, empty memory store for memory://', async () => {
    const first = await open('memory://');
    await first.insert([{ kind: 'snippet', name: 'a' }]);
    const second = await open('memory:');
    expect(first).toBeInstanceOf(MemoryStore);
    expect(first.url).toBe('memory://');
    expect(await second.find()).toEqual([]);
  });

  it('opens sqlite://PATH relative to cwd, creating the folder, and sqlite:///ABSOLUTE', async () => {
    const store = await open('sqlite://nested/folder/weft.db', dir);
    expect(store).toBeInstanceOf(SqliteStore);
    expect(store.url).toBe('sqlite://nested/folder/weft.db');
    expect(existsSync(join(dir, 'nested', 'folder', 'weft.db'))).toBe(true);
    await store.insert([{ kind: 'snippet', name: 'a' }]);
    const absolute = await open(`sqlite://${join(dir, 'nested', 'folder', 'weft.db')}`);
    expect((await absolute.find()).map((spec) => spec.name)).toEqual(['a']);
  });

  it('opens sqlite://:memory:', async () => {
    const store = await open('sqlite://:memory:');
    expect(await store.insert([{ kind: 'snippet' }])).toHaveLength(1);
  });

  it('names the project default sqlite://.weft/weft.db, relative to cwd', async () => {
    expect(DEFAULT_STORE_URL).toBe('sqlite://.weft/weft.db');
    await open(DEFAULT_STORE_URL, dir);
    expect(existsSync(join(dir, '.weft', 'weft.db'))).toBe(true);
  });

  it.each([
    ['no scheme', 'weft.db'],
    ['an unknown scheme', 'redis://localhost'],
    ['a memory URL with a path', 'memory://somewhere'],
    ['a sqlite URL without a path', 'sqlite://'],
    ['a sqlite URL without //', 'sqlite:weft.db'],
  ])('refuses %s with ERR_STORE_URL_INVALID', async (_, url) => {
    await expect(openStore(url)).rejects.toMatchObject({ code: 'ERR_STORE_URL_INVALID', params: { url } });
  });

  it('keeps a password out of the error', async () => {
    const error = await openStore('nosuch://user:secret@host/db').catch((thrown: unknown) => thrown);
    expect(error).toMatchObject({ code: 'ERR_STORE_URL_INVALID' });
    expect(JSON.stringify((error as { params: unknown }).params)).not.toContain('secret');
  });

  it('fails with ERR_STORE_UNAVAILABLE when the file is not a database', async () => {
    await expect(openStore(`sqlite://${dir}`)).rejects.toMatchObject({ code: 'ERR_STORE_UNAVAILABLE' });
  });
});
