import type { StoredSpec } from '../../spec/index.ts';
import { matchFilter } from '../match-filter.ts';
import type { ChangeEvent, SpecFilter } from '../spec-store.ts';
import type { RawChange } from './change-source.ts';
import { formatToken } from './resume-token.ts';
import { fromDocument } from './spec-document.ts';

/** Events after which the collection's history no longer adds up: the watcher reloads everything. */
const RESET_OPERATIONS: ReadonlySet<string> = new Set(['drop', 'rename', 'dropDatabase']);

/**
 * The ChangeEvent a MongoDB change means to a watcher with `filter`; undefined when it means
 * nothing to it (another namespace, a filtered-out name or kind, an event type weft ignores);
 * `invalidate` when the server closed the stream (after a drop or rename), which the caller
 * reopens with `startAfter` that event's token.
 *
 * insert → insert; update and replace → update (matched against the spec after it; the spec is
 * left out when the document was deleted before `updateLookup` found it); delete → delete with
 * the spec as it was (the pre-image); drop, rename, dropDatabase → reset.
 */
export function translateChange(raw: RawChange, filter: SpecFilter): ChangeEvent | 'invalidate' | undefined {
  const token = formatToken(raw._id);
  if (raw.operationType === 'invalidate') return 'invalidate';
  if (RESET_OPERATIONS.has(raw.operationType)) return { op: 'reset', id: '', namespace: filter.namespace ?? '', token };
  const op = raw.operationType === 'insert' ? 'insert' : raw.operationType === 'delete' ? 'delete' : raw.operationType === 'update' || raw.operationType === 'replace' ? 'update' : undefined;
  if (op === undefined) return undefined;
  const before = document(raw.fullDocumentBeforeChange);
  const after = op === 'delete' ? undefined : document(raw.fullDocument);
  const spec = op === 'delete' ? before : after;
  const key = raw.documentKey?._id;
  const id = spec?.id ?? (typeof key === 'string' ? key : String(key));
  const namespace = spec?.namespace ?? before?.namespace ?? '';
  // Without a spec only the id and namespace are known: a filter on name or kind does not match.
  const identity = spec ?? ({ id, namespace } as Pick<StoredSpec, 'id' | 'namespace' | 'kind'>);
  if (!matchFilter(identity, filter)) return undefined;
  return spec === undefined ? { op, id, namespace, token } : { op, id, namespace, spec, token };
}

function document(value: Readonly<Record<string, unknown>> | null | undefined): StoredSpec | undefined {
  return value === null || value === undefined ? undefined : fromDocument(value);
}
