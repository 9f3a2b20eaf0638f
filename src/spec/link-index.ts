import type { Links, PortLocation } from './spec.ts';

/** What a LinkIndex holds: something with an id (specs not stored yet may have none), maybe a name, and links. */
export interface Linkable {
  readonly id?: string;
  readonly name?: string;
  readonly links?: Links;
}

/** The key a link target is looked up by: its name when it has one, else its id. */
export function linkKey(location: PortLocation): string {
  return location.name !== undefined ? `n\u0000${location.name}` : `i\u0000${location.id ?? ''}`;
}

/**
 * Who links to whom, in one namespace: entries by id and by name, and the reverse index of the
 * entries whose links name a key (a name or an id, resolved or not). Every operation costs in
 * proportion to the entry's own links, so a change touches only the entries it affects: the
 * symbol table relinks `dependentsOf` what it inserts or removes instead of the whole namespace.
 * The one way weft resolves a link (by name when given, else by id): the symbol table, the
 * loader's load order, the scheme's link checks and the apply planner all use it.
 */
export class LinkIndex<T extends Linkable> {
  readonly #byId = new Map<string, T>();
  readonly #byName = new Map<string, T>();
  readonly #dependents = new Map<string, Set<T>>();

  /** How many entries with an id it holds. */
  get size(): number {
    return this.#byId.size;
  }

  /** The entries with an id. */
  values(): IterableIterator<T> {
    return this.#byId.values();
  }

  get(id: string): T | undefined {
    return this.#byId.get(id);
  }

  byName(name: string): T | undefined {
    return this.#byName.get(name);
  }

  /** The entry a link target names: by name when the location has one, else by id. */
  lookup(location: PortLocation): T | undefined {
    return location.name !== undefined ? this.#byName.get(location.name) : this.#byId.get(location.id ?? '');
  }

  /** Adds an entry (replacing whatever held its id or name in the maps; delete the old one first). */
  add(entry: T): void {
    if (typeof entry.id === 'string' && entry.id !== '') this.#byId.set(entry.id, entry);
    if (typeof entry.name === 'string' && entry.name !== '') this.#byName.set(entry.name, entry);
    for (const key of targetKeys(entry)) {
      let set = this.#dependents.get(key);
      if (set === undefined) this.#dependents.set(key, (set = new Set()));
      set.add(entry);
    }
  }

  /** Removes an entry; a name held by another entry stays with it. */
  delete(entry: T): void {
    if (entry.id !== undefined && this.#byId.get(entry.id) === entry) this.#byId.delete(entry.id);
    if (entry.name && this.#byName.get(entry.name) === entry) this.#byName.delete(entry.name);
    for (const key of targetKeys(entry)) {
      const set = this.#dependents.get(key);
      set?.delete(entry);
      if (set?.size === 0) this.#dependents.delete(key);
    }
  }

  /** The entries whose links name `entry` (by its name or its id), whether or not they resolve now. */
  dependentsOf(entry: Linkable, into: Set<T> = new Set()): Set<T> {
    const byId = entry.id === undefined ? undefined : this.#dependents.get(`i\u0000${entry.id}`);
    if (byId !== undefined) for (const dependent of byId) into.add(dependent);
    if (entry.name) {
      const byName = this.#dependents.get(`n\u0000${entry.name}`);
      if (byName !== undefined) for (const dependent of byName) into.add(dependent);
    }
    return into;
  }

  clear(): void {
    this.#byId.clear();
    this.#byName.clear();
    this.#dependents.clear();
  }
}

/** The distinct keys an entry's links look targets up by (malformed links, which validation reports, are skipped). */
function targetKeys(entry: Linkable): Set<string> {
  const keys = new Set<string>();
  const links: unknown = entry.links;
  if (typeof links !== 'object' || links === null) return keys;
  for (const locations of Object.values(links)) {
    if (!Array.isArray(locations)) continue;
    for (const location of locations as unknown[]) if (typeof location === 'object' && location !== null) keys.add(linkKey(location as PortLocation));
  }
  return keys;
}

/**
 * Resolves links across namespaces: a LinkIndex per namespace of `specs`; `find(namespace,
 * location)` is what the link names in that namespace.
 */
export function linkResolver<T extends Linkable & { readonly namespace?: string }>(specs: Iterable<T>): (namespace: string | undefined, location: PortLocation) => T | undefined {
  const indexes = new Map<string | undefined, LinkIndex<T>>();
  for (const spec of specs) {
    let index = indexes.get(spec.namespace);
    if (index === undefined) indexes.set(spec.namespace, (index = new LinkIndex<T>()));
    index.add(spec);
  }
  return (namespace, location) => indexes.get(namespace)?.lookup(location);
}
