import { accessSync, constants, existsSync, lstatSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { SpecStore } from '../src/store/spec-store.ts';
import type { Config } from './config.ts';
import { withStore } from './with-store.ts';
import type { CliIO } from './io.ts';

/**
 * Like `withStore`, for commands that only read (`get`, `diff`, `apply --dry-run`, `token list`):
 * a SQLite store whose file does not exist is not created (a mistyped `--store` must not leave a
 * new empty database behind); `work` gets an empty store instead, and stderr says so (`doing`
 * names what happens against it).
 */
export async function withExistingStore<T>(io: CliIO, config: Config, work: (store: SpecStore) => Promise<T>, doing = 'planning against'): Promise<T> {
  const match = /^sqlite:\/\/(.+)$/i.exec(config.store);
  const path = match === null || match[1] === ':memory:' ? undefined : resolve(io.cwd, match[1]!);
  if (path === undefined || existsSync(path) || !couldBeCreated(path)) return withStore(io, config, work);
  io.stderr.write(`note: the store ${config.store} does not exist yet; ${doing} an empty store (nothing is created)\n`);
  // Imported only here: the usual case, an existing store, does not load the memory driver.
  const { MemoryStore } = await import('../src/store/memory/memory-store.ts');
  const empty = new MemoryStore();
  try {
    return await work(empty);
  } finally {
    await empty.close();
  }
}

/**
 * Whether a missing database file could be created where it is named: its nearest existing
 * ancestor is a real, writable directory outside the kernel's pseudo file systems. Otherwise the
 * real open runs, so the command fails with the store's coded error (ERR_STORE_UNAVAILABLE)
 * rather than reading an empty store that could never exist there.
 */
function couldBeCreated(path: string): boolean {
  let folder = dirname(path);
  for (;;) {
    let stat;
    try {
      stat = lstatSync(folder);
    } catch {
      const parent = dirname(folder);
      if (parent === folder) return false;
      folder = parent;
      continue;
    }
    if (!stat.isDirectory() || /^\/(proc|sys)(\/|$)/.test(folder)) return false;
    try {
      accessSync(folder, constants.W_OK);
      return true;
    } catch {
      return false;
    }
  }
}
