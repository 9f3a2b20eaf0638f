import { join } from 'node:path';
import { tempDir } from '../../harness/cli.ts';

/** A store backend the guarantee tests run against: a URL for the engine and the CLI, and a cleanup. */
export interface StoreTarget {
  readonly name: string;
  /** A fresh, empty store URL (its own file, database table or schema). */
  open(): Promise<{ url: string; remove: () => Promise<void> }>;
}

/** The embedded default: a SQLite file in a temporary folder. */
export const sqliteTarget: StoreTarget = {
  name: 'sqlite',
  open: async () => {
    const dir = tempDir();
    return { url: `sqlite://${join(dir.path, 'weft.db')}`, remove: async () => dir.remove() };
  },
};
