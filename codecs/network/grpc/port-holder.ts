/** A server that may have to give up its port to a listener of another protocol replacing it. */
export interface HeldPort {
  readonly listening: boolean;
  /** Stops accepting (frees the port). */
  pause(): Promise<void>;
  /** Accepts again, if it can, after the replacement failed to bind. */
  resume(): Promise<void>;
}

/**
 * A listener node whose fixed port a replacement of the other protocol (http ↔ grpc) may need:
 * the replacement's `adopt` takes `heldPort()`, and pauses it when its own bind finds the port
 * in use, as a listener moving to another host does.
 */
export interface PortHolder {
  readonly protocol: string;
  readonly configuredPort: number;
  heldPort(): HeldPort | undefined;
}

/** The port `previous` holds that `next` (same fixed port, other protocol) must take over, if any. */
export function displacedPort(previous: unknown, next: PortHolder): HeldPort | undefined {
  if (typeof previous !== 'object' || previous === null || !('heldPort' in previous)) return undefined;
  const holder = previous as PortHolder;
  if (next.configuredPort === 0 || holder.configuredPort !== next.configuredPort || holder.protocol === next.protocol) return undefined;
  return holder.heldPort();
}
