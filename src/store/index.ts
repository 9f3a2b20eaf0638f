export type { ChangeEvent, ChangeOp, ChangeStream, SpecFilter, SpecStore, WatchOptions } from './spec-store.ts';
