import type { MongoStore, MongoStoreOptions } from './mongo-store.ts';

/**
 * Opens a MongoStore (see `MongoStore.open`), loading the `mongodb` driver only now: importing
 * weft does not pay for a driver it may never use.
 */
export async function openMongoStore(options: MongoStoreOptions): Promise<MongoStore> {
  const { MongoStore: Store } = await import('./mongo-store.ts');
  return await Store.open(options);
}
