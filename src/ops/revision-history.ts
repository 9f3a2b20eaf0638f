import type { StoredSpec } from '../spec/index.ts';

/** One revision of a spec as this engine saw it. */
export interface SpecRevision {
  readonly revision: number;
  /** How it arrived: a change from the feed (`insert`, `update`, `delete`), or `seen` when it was already there (at start, or after a resync). */
  readonly op: 'insert' | 'update' | 'delete' | 'seen';
  /** When this engine saw it (ISO 8601). */
  readonly at: string;
  readonly spec: StoredSpec;
}

/** Options of a RevisionHistory. */
export interface RevisionHistoryOptions {
  /** The most revisions kept in all (default 5000). */
  readonly maxRevisions?: number;
  /** The most bytes of spec JSON kept in all (default 16 MiB). */
  readonly maxBytes?: number;
  /** The most revisions kept per spec (default 50). */
  readonly perSpec?: number;
}

interface Entry extends SpecRevision {
  readonly key: string;
  readonly bytes: number;
}

/**
 * The spec revisions an engine has seen since it started, bounded in memory: stores keep only a
 * spec's current revision, so this is what the console's history and diffs read. A spec's
 * revisions are kept under its id (a rename keeps its history); past a bound the oldest revisions
 * of all are dropped first. Nothing survives a restart and another engine has its own history.
 */
export class RevisionHistory {
  readonly #maxRevisions: number;
  readonly #maxBytes: number;
  readonly #perSpec: number;
  readonly #bySpec = new Map<string, Entry[]>();
  /** Every recorded entry, oldest first from `#head` on; entries dropped by the per-spec bound are skipped. */
  #queue: Entry[] = [];
  #head = 0;
  readonly #dropped = new WeakSet<Entry>();
  #count = 0;
  #bytes = 0;

  constructor(options: RevisionHistoryOptions = {}) {
    this.#maxRevisions = options.maxRevisions ?? 5000;
    this.#maxBytes = options.maxBytes ?? 16 * 1024 * 1024;
    this.#perSpec = options.perSpec ?? 50;
  }

  /** How many revisions are kept. */
  get size(): number {
    return this.#count;
  }

  /** Records a revision, unless that revision of that spec is already its latest (a resync seeing it again). */
  record(op: SpecRevision['op'], spec: StoredSpec): void {
    const key = `${spec.namespace}\u0000${spec.id}`;
    let list = this.#bySpec.get(key);
    const last = list?.at(-1);
    if (last !== undefined && last.revision === spec.revision && (op === 'seen' || op === last.op)) return;
    const entry: Entry = { key, revision: spec.revision, op, at: new Date().toISOString(), spec, bytes: JSON.stringify(spec).length };
    if (list === undefined) this.#bySpec.set(key, (list = []));
    list.push(entry);
    this.#queue.push(entry);
    this.#count++;
    this.#bytes += entry.bytes;
    if (list.length > this.#perSpec) this.#drop(list[0]!);
    while (this.#count > this.#maxRevisions || (this.#bytes > this.#maxBytes && this.#count > 1)) this.#dropOldest();
  }

  /** Records as `seen` each spec whose current revision is not its latest recorded one. */
  sync(specs: Iterable<StoredSpec>): void {
    for (const spec of specs) this.record('seen', spec);
  }

  /** The revisions kept of the spec of `namespace` named `node` (else with that id), oldest first. */
  of(namespace: string, node: string): SpecRevision[] {
    const byId = this.#bySpec.get(`${namespace}\u0000${node}`);
    if (byId !== undefined) return byId.map(plain);
    let found: Entry[] | undefined;
    for (const list of this.#bySpec.values()) {
      const last = list.at(-1)!;
      // The spec that holds the name now (a live one wins over a deleted one that held it).
      if (last.spec.namespace === namespace && last.spec.name === node && (found === undefined || found.at(-1)!.op === 'delete')) found = list;
    }
    return (found ?? []).map(plain);
  }

  #dropOldest(): void {
    while (this.#head < this.#queue.length) {
      const entry = this.#queue[this.#head++]!;
      if (!this.#dropped.has(entry)) {
        this.#drop(entry);
        break;
      }
    }
    if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
  }

  #drop(entry: Entry): void {
    const list = this.#bySpec.get(entry.key)!;
    list.splice(list.indexOf(entry), 1);
    if (list.length === 0) this.#bySpec.delete(entry.key);
    this.#dropped.add(entry);
    this.#count--;
    this.#bytes -= entry.bytes;
  }
}

function plain(entry: Entry): SpecRevision {
  return { revision: entry.revision, op: entry.op, at: entry.at, spec: entry.spec };
}
