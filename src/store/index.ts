export type { ChangeEvent, ChangeOp, ChangeStream, SpecFilter, SpecStore, WatchOptions } from './spec-store.ts';
export { MemoryStore, type MemoryStoreOptions } from './memory/memory-store.ts';
export { SqliteStore, type SqliteStoreOptions } from './sqlite/sqlite-store.ts';
export { DEFAULT_STORE_URL, openStore, type OpenStoreOptions } from './open-store.ts';
export type { ChangeRetention } from './change-retention.ts';
