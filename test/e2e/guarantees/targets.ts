import { sqliteTarget, type StoreTarget } from './store-targets.ts';

/** Every store the guarantee tests run on here. */
export function storeTargets(): StoreTarget[] {
  return [sqliteTarget];
}
