import type { PortLocation, Spec } from './spec.ts';

/** One well-formed link target of a spec, where it stands: `links.OUT[POSITION]`. */
export interface LinkTarget {
  readonly spec: Spec & { readonly namespace: string };
  /** The spec's index in the list given to eachLinkTarget. */
  readonly index: number;
  readonly outName: string;
  readonly position: number;
  readonly target: PortLocation;
}

/**
 * Calls `visit` for every well-formed link target (a port and a name, or an id) of specs that
 * have a namespace, in spec, out-port and position order. Malformed links are skipped: the
 * schema reports them. The one walk the link checks (ports of targets, dangling targets) share.
 */
export function eachLinkTarget(specs: readonly Spec[], visit: (link: LinkTarget) => void): void {
  specs.forEach((spec, index) => {
    if (!isRecord(spec.links) || typeof spec.namespace !== 'string') return;
    for (const [outName, targets] of Object.entries(spec.links)) {
      if (!Array.isArray(targets)) continue;
      targets.forEach((target: unknown, position) => {
        if (isLocation(target)) visit({ spec: spec as LinkTarget['spec'], index, outName, position, target });
      });
    }
  });
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isLocation(value: unknown): value is PortLocation {
  if (!isRecord(value) || typeof value.port !== 'string') return false;
  return typeof value.name === 'string' || (value.name === undefined && typeof value.id === 'string');
}
