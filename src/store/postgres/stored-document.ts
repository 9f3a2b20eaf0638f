import type { StoredSpec } from '../../spec/index.ts';

/**
 * A stored spec from its JSONB document. JSONB keeps no key order, so the common fields are
 * put back where every store puts them (id, kind, namespace, name first; revision last); the
 * other keys come in JSONB's order (shorter keys first).
 */
export function storedDocument(document: StoredSpec): StoredSpec {
  const { id, kind, namespace, name, revision, ...rest } = document;
  return { id, kind, namespace, ...(name === undefined ? {} : { name }), ...rest, revision };
}
