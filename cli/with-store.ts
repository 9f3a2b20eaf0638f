import type { SpecStore } from '../src/store/spec-store.ts';
import { openStore } from '../src/store/open-store.ts';
import type { Config } from './config.ts';
import type { CliIO } from './io.ts';

/** Opens the configured store (relative paths from the CLI's cwd), runs `work`, and closes it whatever happens. */
export async function withStore<T>(io: CliIO, config: Config, work: (store: SpecStore) => Promise<T>): Promise<T> {
  const store = await openStore(config.store, { cwd: io.cwd });
  try {
    return await work(store);
  } finally {
    await store.close();
  }
}
