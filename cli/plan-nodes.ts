import { describeSpec, type PortLocation, type Spec, type StoredSpec } from '../src/index.ts';
import { SYSTEM_NAMESPACE } from './system-namespace.ts';

/** What a running engine of the namespace would do with one node when the plan is applied. */
export type NodeEffectKind = 'start' | 'restart' | 'stop' | 'activate' | 'deactivate' | 'relink';

/** What happens to a listener's socket: kept across a restart, or opened, reopened, closed. */
export type SocketEffect = 'kept' | 'reopened' | 'opened' | 'closed';

/** One node a running engine would touch; `active` is its state afterwards. */
export interface NodeEffect {
  readonly node: string;
  readonly kind: string;
  readonly effect: NodeEffectKind;
  readonly active: boolean;
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
 * swapped (restart), a created one starts, a deleted one stops; a node is active only when its
 * link targets exist and are active (the greatest fixed point, as in `activeSet`), so the
 * others may activate or deactivate; a node linking to a replaced node is relinked, not
 * restarted. Port and compile problems are not predicted (validation catches most of them).
 */
export function planNodes(changes: NodeChanges): NodeEffect[] {
  const was = new Graph(changes.before);
  const will = new Graph(changes.after);
  const replaced = new Set<Spec>([...changes.created, ...changes.updated.map((entry) => entry.after)]);
  const effects: NodeEffect[] = [];
  for (const spec of changes.created) {
    effects.push(effect(spec, 'start', will, `created${will.why(spec)}`, socket(spec, false, will.active(spec))));
  }
  for (const { before, after } of changes.updated) {
    const [wasActive, isActive] = [was.active(before), will.active(after)];
    const fields = SOCKET_FIELDS[after.kind];
    const kept = fields !== undefined && before.kind === after.kind && wasActive && isActive && sameFields(before, after, fields);
    const socketEffect = kept ? 'kept' : socket(after, wasActive, isActive);
    const note = kept ? `; keeps its socket (${fields.join(', ')} unchanged)` : socketEffect === 'reopened' ? '; its address changed: the socket is reopened' : '';
    effects.push(effect(after, 'restart', will, `updated: recompiled, in-flight work ends on the old node${note}${will.why(after)}`, socketEffect));
  }
  for (const spec of changes.deleted) effects.push(effect(spec, 'stop', will, 'deleted', socket(spec, was.active(spec), false), false));
  for (const spec of changes.after) {
    if (replaced.has(spec)) continue;
    const [wasActive, isActive] = [was.active(spec), will.active(spec)];
    if (wasActive && !isActive) effects.push(effect(spec, 'deactivate', will, `stays loaded${will.why(spec)}`, socket(spec, true, false)));
    else if (!wasActive && isActive) effects.push(effect(spec, 'activate', will, 'its links resolve', socket(spec, false, true)));
    else if (will.targets(spec).some((target) => target !== undefined && replaced.has(target))) {
      effects.push(effect(spec, 'relink', will, 'keeps running; its links move to the new nodes'));
    }
  }
  return effects;
}

function effect(spec: Spec, kind: NodeEffectKind, will: Graph, reason: string, socketEffect?: SocketEffect, active = will.active(spec)): NodeEffect {
  const base = { node: describeSpec(spec), kind: spec.kind, effect: kind, active, reason };
  return socketEffect === undefined ? base : { ...base, socket: socketEffect };
}

/** The socket effect of a listener-like node that is not kept: by its state before and after. */
function socket(spec: Spec, wasActive: boolean, isActive: boolean): SocketEffect | undefined {
  if (SOCKET_FIELDS[spec.kind] === undefined) return undefined;
  if (wasActive === isActive) return isActive ? 'reopened' : undefined;
  return isActive ? 'opened' : 'closed';
}

function sameFields(a: Spec, b: Spec, fields: readonly string[]): boolean {
  return fields.every((field) => (a[field] ?? socketDefault(a, field)) === (b[field] ?? socketDefault(b, field)));
}

/** The specs of one state of the namespaces, with links resolved by name (else id) as the symbol table does. */
class Graph {
  readonly #byKey = new Map<string, Spec>();
  readonly #active = new Set<Spec>();

  constructor(specs: readonly Spec[]) {
    for (const spec of specs) {
      if (spec.name) this.#byKey.set(`${spec.namespace}\u0000n\u0000${spec.name}`, spec);
      if (spec.id) this.#byKey.set(`${spec.namespace}\u0000i\u0000${spec.id}`, spec);
    }
    for (const spec of specs) if (this.targets(spec).every((target) => target !== undefined)) this.#active.add(spec);
    let changed = true;
    while (changed) {
      changed = false;
      for (const spec of this.#active) {
        if (this.targets(spec).every((target) => this.#active.has(target!))) continue;
        this.#active.delete(spec);
        changed = true;
      }
    }
  }

  active(spec: Spec): boolean {
    return this.#active.has(spec);
  }

  /** The spec each link points at, or undefined where none is there. */
  targets(spec: Spec): (Spec | undefined)[] {
    return Object.values(spec.links ?? {}).flat().map((location) => this.#find(spec.namespace!, location));
  }

  /** Why `spec` would be inactive (empty when it would be active). */
  why(spec: Spec): string {
    if (this.active(spec)) return '';
    const locations = Object.values(spec.links ?? {}).flat();
    const missing = locations.filter((location) => this.#find(spec.namespace!, location) === undefined).map(label);
    if (missing.length > 0) return `; inactive: no node ${[...new Set(missing)].join(', ')}`;
    const inactive = this.targets(spec).filter((target) => target !== undefined && !this.#active.has(target)).map((target) => `"${target!.name ?? target!.id}"`);
    return `; inactive: ${[...new Set(inactive)].join(', ')} would be inactive`;
  }

  #find(namespace: string, location: PortLocation): Spec | undefined {
    return location.name !== undefined
      ? this.#byKey.get(`${namespace}\u0000n\u0000${location.name}`)
      : this.#byKey.get(`${namespace}\u0000i\u0000${location.id ?? ''}`);
  }
}

function label(location: PortLocation): string {
  return `"${location.name ?? location.id}"`;
}
