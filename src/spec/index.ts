export { COMMON_FIELDS, DEFAULT_NAMESPACE, describeSpec, type Links, type PortLocation, type Spec, type StoredSpec } from './spec.ts';
export { normalizeSpec } from './normalize-spec.ts';
export { indexedPort, isPortName, parsePortName, type PortName } from './port-name.ts';
export { LinkIndex, linkKey, linkResolver, type Linkable } from './link-index.ts';
