import type { Filter } from 'mongodb';
import type { PreparedSpec } from '../prepare-spec.ts';
import type { SpecFilter } from '../spec-store.ts';
import type { SpecDocument } from './spec-document.ts';

/** The MongoDB query selecting what a SpecFilter selects: equality, or `$in` for an array field. */
export function specQuery(filter: SpecFilter = {}): Filter<SpecDocument> {
  const query: Record<string, unknown> = {};
  if (filter.namespace !== undefined) query.namespace = filter.namespace;
  const fields = { _id: filter.id, name: filter.name, kind: filter.kind };
  for (const [field, wanted] of Object.entries(fields)) {
    if (wanted === undefined) continue;
    query[field] = typeof wanted === 'string' ? wanted : { $in: [...wanted] };
  }
  return query as Filter<SpecDocument>;
}

/**
 * The query for every stored spec a write of `specs` can look up through its SpecTable: those
 * with one of their ids, and those holding one of their (namespace, name) pairs. `writeSpecs`
 * asks `byId` only for ids of the call and `byName` only for names of the call, so one read
 * before the writes answers all of its lookups. Undefined when the call asks for none.
 */
export function prefetchQuery(specs: readonly PreparedSpec[]): Filter<SpecDocument> | undefined {
  const ids = new Set<string>();
  const names = new Map<string, Set<string>>();
  for (const spec of specs) {
    if (spec.id !== undefined) ids.add(spec.id);
    if (spec.name === undefined) continue;
    const inNamespace = names.get(spec.namespace) ?? new Set<string>();
    names.set(spec.namespace, inNamespace.add(spec.name));
  }
  const branches: Record<string, unknown>[] = [];
  if (ids.size > 0) branches.push({ _id: { $in: [...ids] } });
  for (const [namespace, inNamespace] of names) branches.push({ namespace, name: { $in: [...inNamespace] } });
  if (branches.length === 0) return undefined;
  return (branches.length === 1 ? branches[0] : { $or: branches }) as Filter<SpecDocument>;
}
