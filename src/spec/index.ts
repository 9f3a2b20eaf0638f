export { COMMON_FIELDS, DEFAULT_NAMESPACE, describeSpec, type Links, type PortLocation, type Spec, type StoredSpec } from './spec.ts';
export { normalizeSpec } from './normalize-spec.ts';
export { indexedPort, isPortName, parsePortName, type PortName } from './port-name.ts';
export { LIFECYCLE_PORTS, isLifecyclePort } from './lifecycle-ports.ts';
export { eachLinkTarget, type LinkTarget } from './each-link-target.ts';
export { LinkIndex, linkKey, linkResolver, type Linkable } from './link-index.ts';
export { SPEC_LIMITS, type SpecLimits } from './spec-limits.ts';
export { specSizeProblems, type SizeProblem } from './spec-size-problems.ts';
