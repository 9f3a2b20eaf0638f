import { eachLinkTarget, linkResolver, type Spec } from '../spec/index.ts';
import { declaresPort } from './kind.ts';
import type { Problem } from './problem.ts';
import type { Scheme } from './scheme.ts';

/**
 * Checks the in-ports that links point at, for targets that can be found among `specs` (the
 * ones being written) or `known` (already stored) in the same namespace. A target that is
 * nowhere yet is fine: links bind late. Returns problems per spec index. Links that are not
 * well formed are skipped: the schema reports them.
 */
export function checkLinkTargets(scheme: Scheme, specs: readonly Spec[], known: readonly Spec[] = []): Map<number, Problem[]> {
  const find = linkResolver([...known, ...specs].filter((spec) => typeof spec.namespace === 'string'));
  const result = new Map<number, Problem[]>();
  eachLinkTarget(specs, ({ spec, index, outName, position, target }) => {
    const found = find(spec.namespace, target);
    const ports = found === undefined ? undefined : scheme.portsOf(found);
    if (ports === undefined || declaresPort(ports.in, target.port)) return;
    const problems = result.get(index) ?? [];
    problems.push({
      path: `links.${outName}[${position}].port`,
      code: 'ERR_PORT_UNKNOWN',
      message: `${found!.kind} "${target.name ?? target.id}" has no in-port "${target.port}"`,
    });
    result.set(index, problems);
  });
  return result;
}
