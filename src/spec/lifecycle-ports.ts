/**
 * The out-ports every spec may link whatever its kind (uniflow HEAD's lifecycle ports): `init`
 * is sent the node's spec, in a fresh root process, when the node is loaded, and the node is
 * active only once that reply is in and not an error (docs/concepts.md, "Lifecycle ports").
 */
export const LIFECYCLE_PORTS: readonly string[] = ['init'];

/** True when `name` is a lifecycle out-port (accepted on every kind). */
export function isLifecyclePort(name: string): boolean {
  return LIFECYCLE_PORTS.includes(name);
}
