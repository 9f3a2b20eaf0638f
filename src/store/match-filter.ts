import type { Spec } from '../spec/index.ts';
import type { SpecFilter } from './spec-store.ts';

/** True when the spec has every field the filter gives; an array field matches any of its values. */
export function matchFilter(spec: Pick<Spec, 'id' | 'namespace' | 'name' | 'kind'>, filter: SpecFilter = {}): boolean {
  if (filter.namespace !== undefined && spec.namespace !== filter.namespace) return false;
  return matchesField(filter.id, spec.id) && matchesField(filter.name, spec.name) && matchesField(filter.kind, spec.kind);
}

function matchesField(wanted: string | readonly string[] | undefined, actual: string | undefined): boolean {
  if (wanted === undefined) return true;
  if (actual === undefined) return false;
  return typeof wanted === 'string' ? wanted === actual : wanted.includes(actual);
}
