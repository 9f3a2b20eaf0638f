/** How big one spec may be: its JSON text, the entries of any one map or list, and its nesting. */
export interface SpecLimits {
  /** UTF-8 bytes of the spec's JSON text. */
  readonly maxBytes: number;
  /** Entries (keys or items) of any one map or list in the spec. */
  readonly maxEntries: number;
  /** Maps and lists nested inside each other below the spec itself (`links.out[0]` is at 3). */
  readonly maxDepth: number;
}

/**
 * The limits every write path applies (Scheme validation and the stores' prepare step), so
 * that a spec is refused in bounded time instead of stalling validation, planning, the store
 * and the change feed of every engine. Documented in docs/cli.md ("Limits").
 */
export const SPEC_LIMITS: SpecLimits = { maxBytes: 1_048_576, maxEntries: 10_000, maxDepth: 64 };
