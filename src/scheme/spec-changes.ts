import type { StoredSpec } from '../spec/index.ts';

/** One change of a spec of the namespace, as the `signal` kind hands it out. */
export interface SpecChange {
  readonly op: 'insert' | 'update' | 'delete';
  /** The stored spec after an insert or update, as it was before a delete. */
  readonly spec: StoredSpec;
}

/** Receives the changes of one write (one commit), in order; must not throw (a throw is ignored). */
export type SpecChangeListener = (changes: readonly SpecChange[]) => void;

/**
 * The spec change feed of a runtime's namespace, for kinds that watch it (`signal`): the loader
 * publishes each write once it has loaded it, so a listener reacting to a change finds the new
 * nodes serving. The feed starts after the initial load and does not replay: a change made while
 * the store's feed was down is reloaded, not published. An instance per runtime.
 */
export class SpecChanges {
  readonly #listeners = new Set<SpecChangeListener>();

  /** How many listeners are subscribed. */
  get size(): number {
    return this.#listeners.size;
  }

  /** Subscribes; returns the function that unsubscribes (idempotent). */
  subscribe(listener: SpecChangeListener): () => void {
    const entry: SpecChangeListener = (changes) => listener(changes);
    this.#listeners.add(entry);
    return () => void this.#listeners.delete(entry);
  }

  /** Hands one write's changes to every listener; a listener that throws does not stop the others. */
  publish(changes: readonly SpecChange[]): void {
    if (changes.length === 0) return;
    for (const listener of [...this.#listeners]) {
      try {
        listener(changes);
      } catch {
        // A listener's failure is its own (the signal kind logs its own); the loader goes on.
      }
    }
  }
}
