/** A key of process data. Symbols keep one node's entries apart from another's. */
export type DataKey = string | symbol;

/**
 * A process's data: a copy-on-write view over its parent's. Reads fall through to the parent;
 * writes stay local; `take` finds the nearest entry up the chain and removes it there (so a
 * node can claim, say, the HTTP response that the listener left in an ancestor).
 */
export class ProcessData {
  readonly #parent: ProcessData | undefined;
  #local: Map<DataKey, unknown> | undefined;

  constructor(parent?: ProcessData) {
    this.#parent = parent;
  }

  get(key: DataKey): unknown {
    const local = this.#local;
    if (local !== undefined) {
      // One lookup when the entry is here and set (the common hit); `has` only for an undefined value.
      const value = local.get(key);
      if (value !== undefined || local.has(key)) return value;
    }
    return this.#parent?.get(key);
  }

  has(key: DataKey): boolean {
    return (this.#local?.has(key) ?? false) || (this.#parent?.has(key) ?? false);
  }

  set(key: DataKey, value: unknown): void {
    (this.#local ??= new Map()).set(key, value);
  }

  /** Removes a local entry; the parent's stays visible if it has one. */
  delete(key: DataKey): boolean {
    return this.#local?.delete(key) ?? false;
  }

  /** Returns the nearest value for `key` up the chain and removes it where it was found. */
  take(key: DataKey): unknown {
    if (this.#local?.has(key)) {
      const value = this.#local.get(key);
      this.#local.delete(key);
      return value;
    }
    return this.#parent?.take(key);
  }

  /** Drops the local entries (called when the process exits). */
  clear(): void {
    this.#local = undefined;
  }
}
