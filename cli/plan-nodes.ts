import { describeSpec, linkResolver, type PortLocation, type Spec, type StoredSpec } from '../src/index.ts';
import { SYSTEM_NAMESPACE } from './system-namespace.ts';

/** What a running engine of the namespace would do with one node when the plan is applied. */
export type NodeEffectKind = 'start' | 'restart' | 'stop' | 'relink';

/** What happens to a listener's socket: kept across a restart, or opened, reopened, closed. */
export type SocketEffect = 'kept' | 'reopened' | 'opened' | 'closed';

/**
 * One node a running engine would touch: `active` is whether it serves afterwards (every node
 * but a stopped one), `unavailable` the link targets that would answer 503 (missing nodes).
 */
export interface NodeEffect {
  readonly node: string;
  readonly kind: string;
  readonly effect: NodeEffectKind;
  readonly active: boolean;
  readonly unavailable: readonly string[];
  readonly reason: string;
  readonly socket?: SocketEffect;
}

/** The specs of a plan, before and after: `after` holds the same objects as `before` for what it leaves alone. */
export interface NodeChanges {
  readonly before: readonly StoredSpec[];
  readonly after: readonly Spec[];
  readonly created: readonly Spec[];
  readonly updated: readonly { readonly before: StoredSpec; readonly after: Spec }[];
  readonly deleted: readonly StoredSpec[];
}

/**
 * Kinds that keep a resource across a reload when these fields are unchanged (listener's
 * `adopt`); other fields (a listener's `limits`) apply to the kept socket.
 */
const SOCKET_FIELDS: Readonly<Record<string, readonly string[]>> = { listener: ['protocol', 'host', 'port'] };

/** A field's value when the spec leaves it out: a listener binds loopback in the system namespace (`weft start`'s policy). */
function socketDefault(spec: Spec, field: string): unknown {
  if (field !== 'host') return undefined;
  return spec.namespace === SYSTEM_NAMESPACE ? '127.0.0.1' : '0.0.0.0';
}

/**
 * Predicts the loader's work, as the symbol table does it: an updated spec is recompiled and
 * swapped (restart), a created one starts, a deleted one stops; every node serves, and a link
 * to a node that does not exist answers 503 (ERR_NODE_UNAVAILABLE), so a node whose targets
 * are replaced, deleted or created is relinked, not restarted. Port and compile problems are not
 * predicted (validation catches most of them).
 */
export function planNodes(changes: NodeChanges): NodeEffect[] {
  const was = new Graph(changes.before);
  const will = new Graph(changes.after);
  const replaced = new Set<Spec>([...changes.created, ...changes.updated.map((entry) => entry.after)]);
  const effects: NodeEffect[] = [];
  for (const spec of changes.created) effects.push(effect(spec, 'start', will, `created${initNote(spec)}${will.why(spec)}`, socketOf(spec, 'opened')));
  for (const { before, after } of changes.updated) {
    const fields = SOCKET_FIELDS[after.kind];
    const kept = fields !== undefined && before.kind === after.kind && sameFields(before, after, fields);
    const note = kept ? `; keeps its socket (${fields.join(', ')} unchanged)` : fields !== undefined ? '; its address changed: the socket is reopened' : '';
    effects.push(effect(after, 'restart', will, `updated: recompiled, in-flight work ends on the old node${note}${initNote(after)}${will.why(after)}`, socketOf(after, kept ? 'kept' : 'reopened')));
  }
  for (const spec of changes.deleted) effects.push({ ...effect(spec, 'stop', will, 'deleted', socketOf(spec, 'closed')), active: false, unavailable: [] });
  for (const spec of changes.after) {
    if (replaced.has(spec)) continue;
    const [before, after] = [was.missing(spec), will.missing(spec)];
    const lost = after.filter((name) => !before.includes(name));
    const found = before.filter((name) => !after.includes(name));
    if (lost.length > 0) effects.push(effect(spec, 'relink', will, `keeps running; its links to ${lost.join(', ')} answer 503 (no such node)`));
    else if (found.length > 0) effects.push(effect(spec, 'relink', will, `keeps running; its links to ${found.join(', ')} resolve`));
    else if (will.targets(spec).some((target) => target !== undefined && replaced.has(target))) {
      effects.push(effect(spec, 'relink', will, 'keeps running; its links move to the new nodes'));
    }
  }
  return effects;
}

/** A started or restarted node runs its `init` lifecycle port before it serves (a relink does not). */
function initNote(spec: Spec): string {
  const targets = spec.links?.init ?? [];
  return targets.length === 0 ? '' : `; its init runs first (${targets.map((target) => target.name ?? target.id).join(', ')})`;
}

function effect(spec: Spec, kind: NodeEffectKind, will: Graph, reason: string, socketEffect?: SocketEffect): NodeEffect {
  const base = { node: describeSpec(spec), kind: spec.kind, effect: kind, active: true, unavailable: will.missing(spec), reason };
  return socketEffect === undefined ? base : { ...base, socket: socketEffect };
}

/** The socket effect of a listener-like node (kinds in SOCKET_FIELDS), else undefined. */
function socketOf(spec: Spec, socketEffect: SocketEffect): SocketEffect | undefined {
  return SOCKET_FIELDS[spec.kind] === undefined ? undefined : socketEffect;
}

function sameFields(a: Spec, b: Spec, fields: readonly string[]): boolean {
  return fields.every((field) => (a[field] ?? socketDefault(a, field)) === (b[field] ?? socketDefault(b, field)));
}

/** The specs of one state of the namespaces, with links resolved as the symbol table does (one LinkIndex per namespace). */
class Graph {
  readonly #find: (namespace: string | undefined, location: PortLocation) => Spec | undefined;

  constructor(specs: readonly Spec[]) {
    this.#find = linkResolver(specs);
  }

  /** The spec each link points at, or undefined where none is there. */
  targets(spec: Spec): (Spec | undefined)[] {
    return Object.values(spec.links ?? {}).flat().map((location) => this.#find(spec.namespace, location));
  }

  /** The link targets of `spec` that do not exist, labelled, each once. */
  missing(spec: Spec): string[] {
    const locations = Object.values(spec.links ?? {}).flat();
    return [...new Set(locations.filter((location) => this.#find(spec.namespace, location) === undefined).map(label))];
  }

  /** What `spec`'s missing targets mean for it (empty when every link resolves). */
  why(spec: Spec): string {
    const missing = this.missing(spec);
    return missing.length === 0 ? '' : `; its links to ${missing.join(', ')} answer 503 (no such node)`;
  }
}

function label(location: PortLocation): string {
  return `"${location.name ?? location.id}"`;
}
