import type { SymbolState } from '../symbol/index.ts';

/** A node as `weft get`/health report it: its state, why it is not active, and any load error. */
export interface NodeStatus {
  readonly id: string;
  readonly name?: string;
  readonly kind: string;
  readonly state: SymbolState;
  /** Links that do not resolve (why an inactive node waits). */
  readonly problems: readonly string[];
  /** Why the node failed to activate or load. */
  readonly error?: Error;
  /** A newer spec that failed to load while this version keeps running. */
  readonly pendingError?: Error;
}
