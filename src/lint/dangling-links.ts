import type { Problem } from '../scheme/index.ts';
import { eachLinkTarget, linkResolver, type Spec } from '../spec/index.ts';

/**
 * The link targets found neither among `specs` nor among `known` (the stored specs) in the
 * spec's namespace, per spec index (ERR_LINK_DANGLING at `links.OUT[N]`). Malformed targets
 * are skipped: the schema reports them.
 */
export function danglingLinks(specs: readonly Spec[], known: readonly Spec[]): Map<number, Problem[]> {
  const find = linkResolver([...known, ...specs].filter((spec) => typeof spec.namespace === 'string'));
  const result = new Map<number, Problem[]>();
  eachLinkTarget(specs, ({ spec, index, outName, position, target }) => {
    if (find(spec.namespace, target) !== undefined) return;
    const named = target.name !== undefined ? `"${target.name}"` : `id ${target.id}`;
    const problems = result.get(index) ?? [];
    problems.push({
      path: `links.${outName}[${position}]${target.name !== undefined ? '.name' : '.id'}`,
      code: 'ERR_LINK_DANGLING',
      message: `links.${outName} points at ${named}, which is neither in the files nor stored in namespace "${spec.namespace}"`,
    });
    result.set(index, problems);
  });
  return result;
}
