import type { StoredSpec } from '../../spec/index.ts';

/**
 * How a stored spec lives in MongoDB: `_id` is the spec id (a UUIDv7 string), every other field
 * is the spec's own (`namespace`, `name`, `kind`, `revision`, …), so indexes and change-stream
 * filters address them directly.
 */
export interface SpecDocument {
  _id: string;
  namespace: string;
  kind: string;
  revision: number;
  name?: string;
  [field: string]: unknown;
}

/** The document of a stored spec: `id` becomes `_id`, the other fields keep their order. */
export function toDocument(spec: StoredSpec): SpecDocument {
  const { id, ...fields } = spec;
  return { _id: id, ...fields } as SpecDocument;
}

/** The stored spec of a document: `_id` becomes `id` (first, as the stores write it); no `_id` leaks out. */
export function fromDocument(document: Readonly<Record<string, unknown>>): StoredSpec {
  const { _id: id, ...fields } = document;
  return { id: typeof id === 'string' ? id : String(id), ...fields } as StoredSpec;
}
