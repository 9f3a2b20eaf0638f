import type { StoredSpec } from '../../spec/index.ts';
import type { ChangePage, ChangeSource, LoggedChange, LoggedSpecChange } from '../change-feed.ts';
import type { ValueChange } from '../value-store.ts';
import type { ChangeRetention } from '../change-retention.ts';

type Entry = LoggedChange & { readonly at: number };

/** The change log of a MemoryStore: numbered entries, pruned to its retention, read as copies. */
export class MemoryChangeLog implements ChangeSource {
  readonly #retention: Required<ChangeRetention>;
  #entries: Entry[] = [];
  #head = 0;
  #prunedThrough = 0;

  constructor(options: { retention: Required<ChangeRetention> }) {
    this.#retention = options.retention;
  }

  /** Logs one change (the spec after an insert or update, before a delete), then prunes. */
  append(op: LoggedSpecChange['op'], spec: StoredSpec): void {
    this.#add({ seq: this.#head + 1, op, id: spec.id, namespace: spec.namespace, spec, at: Date.now() });
  }

  /** Logs one value change (identity only), then prunes. */
  appendValue(id: string, value: ValueChange): void {
    this.#add({ seq: this.#head + 1, op: 'value', id, namespace: value.namespace, value, at: Date.now() });
  }

  #add(entry: Entry): void {
    const now = entry.at;
    this.#head = entry.seq;
    this.#entries.push(entry);
    const expired = this.#entries.findIndex((entry) => entry.at >= now - this.#retention.keepChangesMs);
    const drop = Math.max(this.#entries.length - this.#retention.keepChanges, expired === -1 ? this.#entries.length : expired);
    if (drop <= 0) return;
    this.#prunedThrough = this.#entries[drop - 1]!.seq;
    this.#entries = this.#entries.slice(drop);
  }

  read(after: number, namespace: string | undefined, limit: number): ChangePage {
    const changes: LoggedChange[] = [];
    for (let index = Math.max(0, after - this.#prunedThrough); index < this.#entries.length && changes.length < limit; index++) {
      const entry = this.#entries[index]!;
      if (namespace !== undefined && entry.namespace !== namespace) continue;
      const { at: _at, ...change } = entry;
      changes.push(structuredClone(change));
    }
    return { head: this.#head, prunedThrough: this.#prunedThrough, changes };
  }
}
