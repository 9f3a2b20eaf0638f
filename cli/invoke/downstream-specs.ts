import type { Scheme, Spec, StoredSpec } from '../../src/index.ts';

/**
 * The spec `start` and every spec it links to, transitively (by target name or id), leaving
 * out sources: specs whose kind has no in-port (listeners, consumers, schedules). Nothing can
 * link to a source, so this drops none that a call through `start` can reach; it keeps
 * `weft invoke` from binding ports or consuming queues, whatever the kinds.
 */
export function downstreamSpecs(specs: readonly StoredSpec[], start: StoredSpec, scheme: Scheme): StoredSpec[] {
  const byName = new Map<string, StoredSpec>();
  const byId = new Map<string, StoredSpec>();
  for (const spec of specs) {
    if (spec.name !== undefined) byName.set(spec.name, spec);
    byId.set(spec.id, spec);
  }
  const kept = new Map<string, StoredSpec>([[start.id, start]]);
  const queue: StoredSpec[] = [start];
  while (queue.length > 0) {
    const spec = queue.shift()!;
    for (const targets of Object.values(spec.links ?? {})) {
      for (const target of targets) {
        const found = target.id !== undefined ? byId.get(target.id) : byName.get(target.name ?? '');
        if (found === undefined || kept.has(found.id) || isSource(found, scheme)) continue;
        kept.set(found.id, found);
        queue.push(found);
      }
    }
  }
  return [...kept.values()];
}

/** True for a spec whose kind has no in-port (a source), as the scheme declares it. */
export function isSource(spec: Spec, scheme: Scheme): boolean {
  const ports = scheme.portsOf(spec);
  return ports !== undefined && ports.in.length === 0;
}
