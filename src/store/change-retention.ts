/** How much of its change log a store keeps for watchers that resume with a token. */
export interface ChangeRetention {
  /** At most this many changes (default 10,000). */
  readonly keepChanges?: number;
  /** Changes at most this old, in milliseconds (default 24 hours). */
  readonly keepChangesMs?: number;
}

/** The retention of a store that was given none. */
export const DEFAULT_CHANGE_RETENTION: Required<ChangeRetention> = { keepChanges: 10_000, keepChangesMs: 24 * 60 * 60 * 1000 };

/** The retention with its defaults filled in. */
export function changeRetention(options: ChangeRetention): Required<ChangeRetention> {
  return {
    keepChanges: options.keepChanges ?? DEFAULT_CHANGE_RETENTION.keepChanges,
    keepChangesMs: options.keepChangesMs ?? DEFAULT_CHANGE_RETENTION.keepChangesMs,
  };
}
